import datetime as dt

import pytest
import time_machine
from django.core.files.storage import default_storage

from customers import errors, services
from customers.models import DueDiligenceCheck, EvidenceDocument, SourceOfFundsRequest
from customers.selectors import customer_aml_identity_passed, source_of_funds_list_for_cancellation
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders.models import Order
from tests.customers.factories import DueDiligenceCheckFactory, StaffUserFactory
from tests.customers.helpers import JPEG, PNG, upload
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return Actor.staff(StaffUserFactory())


def test_c4_each_kind_of_check_is_recorded_with_status_provider_and_dates(officer):
    customer = CustomerFactory()
    for kind in DueDiligenceCheck.Kind.values:
        services.due_diligence_check_create(customer_id=customer.pk, kind=kind, provider="IDCo",
                                            provider_reference=f"ref-{kind}", actor=officer)
    check = DueDiligenceCheck.objects.get(customer=customer, kind="credit")
    assert (check.status, check.provider_reference, check.completed_at) == ("pending", "ref-credit", None)
    referred = services.due_diligence_check_update(check_id=check.pk, status="referred", actor=officer)
    assert referred.completed_at is None  # a referral is still open
    passed = services.due_diligence_check_update(check_id=check.pk, status="passed", actor=officer)
    assert passed.completed_at is not None
    with pytest.raises(RuleViolation) as caught:
        services.due_diligence_check_update(check_id=check.pk, status="failed", actor=officer)
    assert caught.value.rule == errors.CHECK_ALREADY_DECIDED


def test_c4_aml_identity_passed_reads_the_latest_aml_check_of_the_customer_themselves(officer):
    customer = CustomerFactory()
    assert customer_aml_identity_passed(customer=customer) is False
    DueDiligenceCheckFactory(customer=customer, kind="identity", status="passed")
    assert customer_aml_identity_passed(customer=customer) is False
    aml = DueDiligenceCheckFactory(customer=customer, kind="aml", status="pending")
    assert customer_aml_identity_passed(customer=customer) is False
    services.due_diligence_check_update(check_id=aml.pk, status="passed", actor=officer)
    assert customer_aml_identity_passed(customer=customer) is True


@pytest.mark.parametrize("name, content", [("scan.pdf", b"%PDF-1.4 ..."), ("photo.jpg", JPEG), ("photo.png", PNG)])
def test_c4_pdf_jpeg_and_png_evidence_is_stored_through_storage(officer, name, content):
    check = DueDiligenceCheckFactory()
    document = services.evidence_document_add(customer_id=check.customer_id, check_id=check.pk,
                                              upload=upload(name, content), actor=officer)
    assert default_storage.exists(document.file.name)
    assert document.size_bytes == len(content)


@pytest.mark.parametrize(
    "name, content",
    [
        ("invoice.pdf", b"MZ\x90\x00 an executable named like a PDF"),
        ("note.png", b"just some text"),
        ("page.html", b"<html><script>alert(1)</script>"),
    ],
)
def test_c4_a_file_that_is_not_a_document_by_content_is_refused_and_nothing_stored(officer, name, content):
    check = DueDiligenceCheckFactory()
    with pytest.raises(RuleViolation) as caught:
        services.evidence_document_add(customer_id=check.customer_id, check_id=check.pk,
                                       upload=upload(name, content), actor=officer)
    assert caught.value.rule == errors.EVIDENCE_NOT_A_DOCUMENT
    assert not EvidenceDocument.objects.exists()


def test_c4_an_oversized_upload_is_refused(officer, settings):
    settings.MINT_EVIDENCE_MAX_BYTES = 100
    check = DueDiligenceCheckFactory()
    with pytest.raises(RuleViolation) as caught:
        services.evidence_document_add(customer_id=check.customer_id, check_id=check.pk,
                                       upload=upload(content=b"%PDF-" + b"x" * 100), actor=officer)
    assert caught.value.rule == errors.EVIDENCE_TOO_LARGE
    assert caught.value.rule.status == 413
    assert not EvidenceDocument.objects.exists()


def test_c4_evidence_cannot_be_filed_against_another_customers_check(officer, media_in_tmp):
    check = DueDiligenceCheckFactory()
    with pytest.raises(DueDiligenceCheck.DoesNotExist):
        services.evidence_document_add(customer_id=CustomerFactory().pk, check_id=check.pk, upload=upload(),
                                       actor=officer)
    assert not EvidenceDocument.objects.exists()
    assert not [p for p in media_in_tmp.rglob("*") if p.is_file()]


def _order(customer) -> Order:
    return Order.objects.create(customer=customer, channel="web")


@time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC))
def test_c5_a_request_has_a_due_date_defaulting_to_the_setting(officer, settings):
    settings.MINT_SOURCE_OF_FUNDS_DAYS = 14
    customer = CustomerFactory()
    request = services.source_of_funds_request_create(customer_id=customer.pk, order_id=_order(customer).pk,
                                                      actor=officer)
    assert request.due_on == dt.date(2026, 12, 7)
    assert request.outcome == SourceOfFundsRequest.Outcome.PENDING


def test_c5_a_request_on_another_customers_order_is_refused(officer):
    with pytest.raises(RuleViolation) as caught:
        services.source_of_funds_request_create(customer_id=CustomerFactory().pk,
                                                order_id=_order(CustomerFactory()).pk, actor=officer)
    assert caught.value.rule == errors.SOURCE_OF_FUNDS_WRONG_ORDER
    assert not SourceOfFundsRequest.objects.exists()


def test_c5_overdue_and_refused_requests_are_listed_for_cancellation_until_orders_act(officer):
    customer = CustomerFactory()
    with time_machine.travel(dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)):
        overdue = services.source_of_funds_request_create(customer_id=customer.pk, order_id=_order(customer).pk,
                                                          due_on=dt.date(2026, 11, 22), actor=officer)
        due_today = services.source_of_funds_request_create(customer_id=customer.pk,
                                                            order_id=_order(customer).pk,
                                                            due_on=dt.date(2026, 11, 23), actor=officer)
        refused = services.source_of_funds_request_create(customer_id=customer.pk, order_id=_order(customer).pk,
                                                          actor=officer)
        accepted = services.source_of_funds_request_create(customer_id=customer.pk,
                                                           order_id=_order(customer).pk, due_on=dt.date(2026, 11, 2),
                                                           actor=officer)
    services.source_of_funds_decide(request_id=refused.pk, outcome="refused", actor=officer)
    services.source_of_funds_decide(request_id=accepted.pk, outcome="accepted", actor=officer)
    listed = source_of_funds_list_for_cancellation(today=dt.date(2026, 11, 23))
    assert {r.pk for r in listed} == {overdue.pk, refused.pk}
    assert due_today.pk not in {r.pk for r in listed}

    services.source_of_funds_record_order_cancelled(request_id=overdue.pk, actor=Actor.system())
    services.source_of_funds_record_order_cancelled(request_id=overdue.pk, actor=Actor.system())
    assert {r.pk for r in source_of_funds_list_for_cancellation(today=dt.date(2026, 11, 23))} == {refused.pk}


def test_c5_a_decided_request_cannot_be_decided_again(officer):
    customer = CustomerFactory()
    request = services.source_of_funds_request_create(customer_id=customer.pk, order_id=_order(customer).pk,
                                                      actor=officer)
    services.source_of_funds_decide(request_id=request.pk, outcome="accepted", actor=officer)
    with pytest.raises(RuleViolation) as caught:
        services.source_of_funds_decide(request_id=request.pk, outcome="refused", actor=officer)
    assert caught.value.rule == errors.SOURCE_OF_FUNDS_ALREADY_DECIDED


def test_c5_evidence_can_be_attached_to_a_request(officer):
    customer = CustomerFactory()
    request = services.source_of_funds_request_create(customer_id=customer.pk, order_id=_order(customer).pk,
                                                      actor=officer)
    services.evidence_document_add(customer_id=customer.pk, source_of_funds_request_id=request.pk,
                                   upload=upload("bank-statement.pdf"), actor=officer)
    assert request.documents.count() == 1
