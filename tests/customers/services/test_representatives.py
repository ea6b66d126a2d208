import datetime as dt

import pytest

from customers import errors, services
from customers.models import Representative
from customers.selectors import (
    customer_assert_can_order,
    customer_list_open_orders_review,
    representative_acting_for,
)
from mint_shop.actors import Actor, ActorKind
from mint_shop.errors import RuleViolation
from tests.customers.factories import DueDiligenceCheckFactory, RepresentativeFactory, StaffUserFactory
from tests.customers.helpers import upload
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return Actor.staff(StaffUserFactory())


def _with_evidence(representative, staff):
    services.evidence_document_add(customer_id=representative.customer_id, representative_id=representative.pk,
                                   upload=upload("lasting-power-of-attorney.pdf"), actor=staff)
    return representative


@pytest.mark.parametrize("kind", ["attorney", "deputy", "controller", "guardian", "intervener"])
def test_c6_an_appointed_representative_needs_evidence_before_verification(staff, kind):
    representative = services.representative_register(
        customer_id=CustomerFactory().pk, kind=kind, first_name="Jo", last_name="Bloggs", actor=staff,
        appointment_reference="LPA-123",
    )
    with pytest.raises(RuleViolation) as caught:
        services.representative_verify(representative_id=representative.pk, actor=staff)
    assert caught.value.rule == errors.REPRESENTATIVE_NEEDS_EVIDENCE
    _with_evidence(representative, staff)
    verified = services.representative_verify(representative_id=representative.pk, actor=staff)
    assert (verified.status, verified.verified_by) == (Representative.Status.VERIFIED, staff.user)


def test_c6_a_customer_with_capacity_authorises_a_person_whom_staff_verify_without_documents(staff):
    customer = CustomerFactory()
    person = services.representative_register(
        customer_id=customer.pk, kind="authorised_person", first_name="Sam", last_name="Son",
        actor=Actor.customer(customer.user),
    )
    login = UserFactory()
    verified = services.representative_verify(representative_id=person.pk, actor=staff, user_id=login.pk)
    assert verified.user == login
    acting_for, actor = representative_acting_for(user=login, customer_id=customer.pk)
    assert acting_for == customer
    assert (actor.kind, actor.capacity) == (ActorKind.REPRESENTATIVE, "authorised_person")


def test_c6_a_representative_acting_is_recorded_with_who_for_whom_and_capacity(staff):
    representative = _with_evidence(RepresentativeFactory(), staff)
    services.representative_verify(representative_id=representative.pk, actor=staff)
    customer, actor = representative_acting_for(user=representative.user, customer_id=representative.customer_id)
    services.customer_update_details(customer_id=customer.pk, actor=actor, changes={"town": "Cardiff"})
    row = customer.history.first()
    assert row.town == "Cardiff"
    assert row.history_user == representative.user
    assert "representative" in row.history_change_reason and "as attorney" in row.history_change_reason


def test_c6_a_revoked_representative_is_refused(staff):
    representative = _with_evidence(RepresentativeFactory(), staff)
    services.representative_verify(representative_id=representative.pk, actor=staff)
    services.representative_revoke(representative_id=representative.pk, reason="Customer withdrew it", actor=staff)
    with pytest.raises(RuleViolation) as caught:
        representative_acting_for(user=representative.user, customer_id=representative.customer_id)
    assert caught.value.rule == errors.REPRESENTATIVE_REVOKED


def test_c6_an_unverified_representative_is_refused_and_a_stranger_learns_nothing(staff):
    representative = RepresentativeFactory()
    with pytest.raises(RuleViolation) as pending:
        representative_acting_for(user=representative.user, customer_id=representative.customer_id)
    assert pending.value.rule == errors.REPRESENTATIVE_NOT_VERIFIED
    with pytest.raises(RuleViolation) as stranger:
        representative_acting_for(user=UserFactory(), customer_id=representative.customer_id)
    assert stranger.value.rule.status == 404


def test_c6_a_representative_can_be_put_through_checks_of_their_own(staff):
    representative = RepresentativeFactory()
    check = services.due_diligence_check_create(customer_id=representative.customer_id, kind="identity",
                                                representative_id=representative.pk, actor=staff)
    assert check.representative == representative
    DueDiligenceCheckFactory(customer=representative.customer)
    assert representative.checks.count() == 1


def test_c7_marking_deceased_flags_open_orders_and_stops_orders(staff):
    customer = CustomerFactory()
    services.customer_mark_deceased(customer_id=customer.pk, actor=staff)
    customer.refresh_from_db()
    assert customer.deceased_at is not None and customer.open_orders_review_required
    assert list(customer_list_open_orders_review()) == [customer]
    with pytest.raises(RuleViolation):
        customer_assert_can_order(customer=customer)
    services.customer_open_orders_review_complete(customer_id=customer.pk, actor=Actor.system())
    assert not customer_list_open_orders_review().exists()


def test_c7_a_verified_personal_representative_marks_the_customer_deceased_and_gets_access(staff):
    customer = CustomerFactory()
    attorney = _with_evidence(RepresentativeFactory(customer=customer), staff)
    services.representative_verify(representative_id=attorney.pk, actor=staff)
    executor = _with_evidence(
        RepresentativeFactory(customer=customer, kind=Representative.Kind.PERSONAL_REPRESENTATIVE), staff
    )
    services.representative_verify(representative_id=executor.pk, actor=staff)
    customer.refresh_from_db()
    assert customer.deceased_at is not None and customer.open_orders_review_required
    acting_for, actor = representative_acting_for(user=executor.user, customer_id=customer.pk)
    assert actor.capacity == "personal_representative"
    # A power of attorney ends with the death.
    attorney.refresh_from_db()
    assert attorney.status == Representative.Status.REVOKED
    with pytest.raises(RuleViolation):
        representative_acting_for(user=attorney.user, customer_id=customer.pk)


def test_c7_recording_a_death_twice_is_refused(staff):
    customer = CustomerFactory()
    services.customer_mark_deceased(customer_id=customer.pk, actor=staff)
    with pytest.raises(RuleViolation) as caught:
        services.customer_mark_deceased(customer_id=customer.pk, actor=staff)
    assert caught.value.rule == errors.ALREADY_DECEASED


def test_c7_a_date_of_death_in_the_future_is_refused(staff):
    customer = CustomerFactory()
    with pytest.raises(RuleViolation) as caught:
        services.customer_mark_deceased(customer_id=customer.pk, actor=staff, died_on=dt.date(2999, 1, 1))
    assert caught.value.rule == errors.DATE_OF_DEATH_IN_FUTURE
    customer.refresh_from_db()
    assert customer.deceased_at is None
