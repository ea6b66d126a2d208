import pytest

from customers import errors, services
from customers.models import Restriction
from customers.selectors import customer_assert_can_order
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from tests.customers.factories import StaffUserFactory
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_c3_a_restricted_customer_cannot_order_and_the_refusal_names_the_rule():
    officer = StaffUserFactory()
    customer = services.customer_restrict(
        customer_id=CustomerFactory().pk, reason="Suspected reseller", actor=Actor.staff(officer)
    )
    with pytest.raises(RuleViolation) as caught:
        customer_assert_can_order(customer=customer)
    assert caught.value.as_dict()["rule"] == "C3"
    restriction = Restriction.objects.get(customer=customer)
    assert (restriction.reason, restriction.restricted_by) == ("Suspected reseller", officer)


def test_c3_lifting_is_recorded_with_who_and_why_and_orders_are_allowed_again():
    officer = StaffUserFactory()
    customer = CustomerFactory()
    services.customer_restrict(customer_id=customer.pk, reason="Checks outstanding", actor=Actor.staff(officer))
    customer = services.customer_restriction_lift(
        customer_id=customer.pk, reason="Checks passed", actor=Actor.staff(officer)
    )
    customer_assert_can_order(customer=customer)
    restriction = Restriction.objects.get(customer=customer)
    assert (restriction.lift_reason, restriction.lifted_by) == ("Checks passed", officer)
    assert restriction.lifted_at is not None
    assert customer.history.filter(restricted_at__isnull=False).exists()


def test_c3_restricting_twice_or_lifting_nothing_is_refused():
    actor = Actor.staff(StaffUserFactory())
    customer = CustomerFactory()
    with pytest.raises(RuleViolation) as nothing:
        services.customer_restriction_lift(customer_id=customer.pk, reason="x", actor=actor)
    assert nothing.value.rule == errors.NOT_RESTRICTED
    services.customer_restrict(customer_id=customer.pk, reason="first", actor=actor)
    with pytest.raises(RuleViolation) as twice:
        services.customer_restrict(customer_id=customer.pk, reason="second", actor=actor)
    assert twice.value.rule == errors.ALREADY_RESTRICTED
    assert Restriction.objects.filter(customer=customer).count() == 1
