"""D4 offer history, D9 sharing register, D10 special category data, D11 purposes, D12 TPS, D2 print runs."""

import io

import pytest
from django.core.management import call_command

from consents import services
from consents.models import OfferSent, PrintRunRecipient, TpsNumber
from consents.purposes import BY_CODE, PURPOSES, Basis
from consents.register import sharing_register, special_category_record
from consents.selectors import marketing_consent_allows
from customers.services import call_recording_record, call_recording_transcript_transfer_record
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from notifications.models import Message
from notifications.services import message_queue
from tests.customers.helpers import api, at
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _consent(customer, channel, granted=True):
    services.marketing_consent_set(customer_id=customer.pk, channel=channel, granted=granted, source="web_form",
                                   actor=Actor.customer(customer.user))


def _offer(customer, key, channel="email", offer="SPRING-SOVEREIGN"):
    return message_queue(channel=channel, kind="offer", recipient=customer.email, body="A new sovereign",
                         dedupe_key=key, purpose=Message.Purpose.MARKETING, customer=customer, offer_code=offer)


def test_d4_the_outbox_records_which_offer_went_to_whom_and_never_sends_it_twice():
    customer = CustomerFactory()
    _offer(customer, "spring-1")
    _offer(customer, "spring-1")  # the same message again: one message, one entry
    with pytest.raises(RuleViolation) as caught:
        _offer(customer, "spring-1-by-sms", channel="sms")
    assert (caught.value.rule.rule, caught.value.code) == ("D4", "offer_already_sent")
    assert list(OfferSent.objects.values_list("customer", "offer_code", "channel")) == [
        (customer.pk, "SPRING-SOVEREIGN", "email")]
    assert not Message.objects.filter(dedupe_key="spring-1-by-sms").exists()
    _offer(CustomerFactory(), "spring-2")  # someone else may have it
    assert OfferSent.objects.count() == 2


def test_d9_the_register_lists_transcripts_print_runs_with_basis_and_safeguard(staff_user):
    customer = CustomerFactory(address_line1="1 Mint Street")
    clerk = Actor.staff(staff_user("customer_service"))
    recording = call_recording_record(customer_id=customer.pk, direction="inbound", customer_number="+447700900123",
                                      mint_number="+442079460000", started_at=at(2026, 5, 1), purpose="sales",
                                      summary="Asked about sovereigns", actor=clerk, transcript_reference="T-1")
    call_recording_transcript_transfer_record(recording_id=recording.pk, actor=clerk)
    _consent(customer, "post")
    run = services.print_run_create(title="Summer", actor=clerk)
    services.print_run_mark_printed(print_run_id=run.pk, actor=clerk)

    entries = sharing_register(customer_id=customer.pk)
    assert {(e.recipient_kind, e.recipient, e.safeguard) for e in entries} == {
        ("transcription provider", "US transcription processor", "Standard contractual clauses"),
        ("mailing house", "Mailing house", ""),
    }
    assert all(e.purpose in BY_CODE for e in entries)
    listed = api(staff_user("compliance")).get(f"/api/v1/staff/sharing-register/?customer={customer.pk}").json()
    assert {row["legal_basis"] for row in listed} == {"legitimate_interest", "consent"}
    assert api(staff_user("warehouse")).get("/api/v1/staff/sharing-register/").status_code == 403


def test_d10_special_category_data_needs_explicit_consent_and_its_own_permission(staff_user):
    customer = CustomerFactory()
    compliance = api(staff_user("compliance"))
    url = f"/api/v1/staff/customers/{customer.pk}/special-category/"
    refused = compliance.post(url, {"category": "health", "details": "Partially sighted: large print",
                                    "consent_wording": "", "explicit_consent": False}, format="json")
    assert (refused.status_code, refused.json()["rule"]) == (400, "D10")
    made = compliance.post(url, {"category": "health", "details": "Partially sighted: large print",
                                 "consent_wording": "I agree you keep this to send large print",
                                 "explicit_consent": True}, format="json")
    assert made.status_code == 201, made.json()
    assert [row["details"] for row in compliance.get(url).json()] == ["Partially sighted: large print"]
    assert api(staff_user("customer_service")).get(url).status_code == 403
    with pytest.raises(RuleViolation):
        special_category_record(customer_id=customer.pk, category="capacity", details="x", consent_wording="ok",
                                explicit_consent=False, actor=Actor.system())


def test_d11_every_processing_purpose_names_a_lawful_basis_and_staff_can_read_the_register(staff_user):
    assert len({p.code for p in PURPOSES}) == len(PURPOSES)
    assert all(p.basis in Basis.ALL and p.purpose for p in PURPOSES)
    listed = api(staff_user("compliance")).get("/api/v1/staff/processing-purposes/").json()
    assert {row["code"]: row["basis"] for row in listed}["financial_records"] == "legal_obligation"


def test_d12_tps_import_replaces_the_list_and_marketing_calls_skip_listed_numbers(tmp_path):
    listed = CustomerFactory(phone="+442079460001")
    consented = CustomerFactory(phone="+442079460002")
    objected = CustomerFactory(phone="+442079460003")
    free = CustomerFactory(phone="+442079460004")
    _consent(consented, "phone")
    _consent(objected, "phone", granted=False)
    tps = tmp_path / "tps.txt"
    tps.write_text("020 7946 0001\n+44 20 7946 0002\nnot a number\n")
    out = io.StringIO()
    call_command("tps_import", str(tps), stdout=out)
    assert "2 numbers imported, 1 line(s) skipped" in out.getvalue()
    assert set(TpsNumber.objects.values_list("number", flat=True)) == {"+442079460001", "+442079460002"}

    allowed = {c.pk: marketing_consent_allows(customer=c, channel="call", recipient=str(c.phone))
               for c in (listed, consented, objected, free)}
    assert allowed == {listed.pk: False, consented.pk: True, objected.pk: False, free.pk: True}

    tps.write_text("020 7946 0004\n")  # the next file replaces the list
    call_command("tps_import", str(tps), stdout=io.StringIO())
    assert marketing_consent_allows(customer=listed, channel="call", recipient=str(listed.phone))
    assert not marketing_consent_allows(customer=free, channel="call", recipient=str(free.phone))


def test_d12_a_marketing_call_task_to_a_tps_number_is_refused_by_the_outbox(
    tmp_path, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(phone="+442079460001")
    tps = tmp_path / "tps.txt"
    tps.write_text("+442079460001\n")
    call_command("tps_import", str(tps), stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call = message_queue(channel="call", kind="offer", recipient="+442079460001", body="Call about sovereigns",
                             dedupe_key="call-1", purpose=Message.Purpose.MARKETING, customer=customer)
    call.refresh_from_db()
    assert call.status == Message.Status.REFUSED


def test_d2_a_printed_run_keeps_its_list_and_a_later_postal_opt_out_reaches_the_next_run(staff_user):
    clerk = Actor.staff(staff_user("customer_service"))
    customer = CustomerFactory(address_line1="1 Mint Street")
    _consent(customer, "post")
    first = services.print_run_create(title="Spring", actor=clerk)
    services.print_run_mark_printed(print_run_id=first.pk, actor=clerk)
    _consent(customer, "post", granted=False)
    second = services.print_run_create(title="Summer", actor=clerk)
    services.print_run_mark_printed(print_run_id=second.pk, actor=clerk)
    assert list(PrintRunRecipient.objects.filter(print_run=first).values_list("customer", flat=True)) == [customer.pk]
    assert not PrintRunRecipient.objects.filter(print_run=second).exists()


def test_d12_a_marketing_call_to_a_tps_number_keyed_as_dialled_is_refused(tmp_path, django_capture_on_commit_callbacks):
    """The list is kept in one form (E.164); the number a call task names may be keyed as dialled."""
    customer = CustomerFactory(phone="+442079460001")
    tps = tmp_path / "tps.txt"
    tps.write_text("020 7946 0001\n")
    call_command("tps_import", str(tps), stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call = message_queue(channel="call", kind="offer", recipient="020 7946 0001", body="Call about sovereigns",
                             dedupe_key="call-dialled", purpose=Message.Purpose.MARKETING, customer=customer)
    call.refresh_from_db()
    assert call.status == Message.Status.REFUSED


def test_d4_an_offer_the_outbox_refused_never_went_and_may_go_once_consent_is_given(
    django_capture_on_commit_callbacks,
):
    customer = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        refused = _offer(customer, "spring-before-consent")
    refused.refresh_from_db()
    assert refused.status == Message.Status.REFUSED
    assert not OfferSent.objects.filter(customer=customer).exists()  # D4: the history says what went

    _consent(customer, "email")
    with django_capture_on_commit_callbacks(execute=True):
        sent = _offer(customer, "spring-after-consent")
    sent.refresh_from_db()
    assert sent.status == Message.Status.SENT
    assert list(OfferSent.objects.filter(customer=customer).values_list("offer_code", "message_reference")) == [
        ("SPRING-SOVEREIGN", "spring-after-consent")]
    with pytest.raises(RuleViolation):
        _offer(customer, "spring-again")
