import datetime as dt
import logging

import pytest
import time_machine
from django.core.files.storage import default_storage

from customers import errors, services, tasks
from customers.models import CallRecording, ContactLogEntry, RecordingPause
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from tests.customers.factories import StaffUserFactory
from tests.customers.helpers import at, upload
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return Actor.staff(StaffUserFactory())


def record_call(customer, clerk, started_at=None, **overrides):
    fields = {
        "customer_id": customer.pk,
        "direction": "inbound",
        "customer_number": "07700 900123",
        "mint_number": "+443000000000",
        "started_at": started_at or at(2026, 11, 1, 10),
        "ended_at": (started_at or at(2026, 11, 1, 10)) + dt.timedelta(minutes=10),
        "purpose": "sales",
        "summary": "Ordered a sovereign by phone",
        "recording_reference": "rec-1",
        "transcript_reference": "tr-1",
        "actor": clerk,
    } | overrides
    return services.call_recording_record(**fields)


def test_c9_letters_emails_and_calls_are_logged_briefly(clerk):
    customer = CustomerFactory()
    for kind in ("letter", "email", "call"):
        services.contact_log_record(customer_id=customer.pk, kind=kind, direction="inbound",
                                    occurred_at=at(2026, 11, 2), summary=f"A {kind}", actor=clerk)
    assert sorted(customer.contact_log.values_list("kind", flat=True)) == ["call", "email", "letter"]
    assert customer.contact_log.first().recorded_by == clerk.user


def test_c10_a_recorded_call_keeps_direction_numbers_time_purpose_and_references(clerk):
    customer = CustomerFactory()
    recording = record_call(customer, clerk, purpose="third_party_finance",
                            recording_file=upload("call.wav", b"RIFF....WAVE"),
                            transcript_file=upload("call.txt", b"transcript"))
    recording.refresh_from_db()
    assert recording.customer_number.as_e164 == "+447700900123"
    assert recording.contact.kind == ContactLogEntry.Kind.CALL and recording.contact.customer == customer
    assert default_storage.exists(recording.recording_file.name)
    assert default_storage.exists(recording.transcript_file.name)


def test_c10_the_card_keying_pause_is_recorded_within_the_call(clerk):
    recording = record_call(CustomerFactory(), clerk)
    pause = services.call_recording_pause_record(recording_id=recording.pk, paused_at=at(2026, 11, 1, 10, 2),
                                                 resumed_at=at(2026, 11, 1, 10, 4), actor=clerk)
    assert pause.reason == "card keying"
    with pytest.raises(RuleViolation) as caught:
        services.call_recording_pause_record(recording_id=recording.pk, paused_at=at(2026, 11, 1, 11),
                                             resumed_at=at(2026, 11, 1, 11, 1), actor=clerk)
    assert caught.value.rule == errors.PAUSE_OUTSIDE_CALL
    assert recording.pauses.count() == 1


def test_c10_the_transcript_transfer_to_the_us_processor_is_recorded_with_its_safeguard(clerk):
    recording = services.call_recording_transcript_transfer_record(
        recording_id=record_call(CustomerFactory(), clerk).pk, actor=clerk
    )
    assert recording.transcript_sent_at is not None
    assert recording.transfer_safeguard == "Standard contractual clauses"
    no_transcript = record_call(CustomerFactory(), clerk, transcript_reference="")
    with pytest.raises(RuleViolation) as caught:
        services.call_recording_transcript_transfer_record(recording_id=no_transcript.pk, actor=clerk)
    assert caught.value.rule == errors.TRANSCRIPT_MISSING


def test_c10_an_oversized_recording_is_refused_and_nothing_is_written(clerk, settings):
    settings.MINT_CALL_RECORDING_MAX_BYTES = 10
    with pytest.raises(RuleViolation) as caught:
        record_call(CustomerFactory(), clerk, recording_file=upload("call.wav", b"x" * 11))
    assert caught.value.rule == errors.RECORDING_TOO_LARGE
    assert not ContactLogEntry.objects.exists()


def test_c10_retention_deletes_recordings_six_months_old_to_the_day_and_keeps_younger_ones(
    clerk, caplog, django_capture_on_commit_callbacks
):
    customer = CustomerFactory()
    six_months = record_call(customer, clerk, started_at=at(2026, 5, 23, 9),
                             recording_file=upload("old.wav", b"RIFF"), transcript_file=upload("old.txt", b"t"))
    services.call_recording_pause_record(recording_id=six_months.pk, paused_at=at(2026, 5, 23, 9, 1),
                                         resumed_at=at(2026, 5, 23, 9, 2), actor=clerk)
    younger = record_call(customer, clerk, started_at=at(2026, 5, 24, 9), recording_file=upload("new.wav", b"RIFF"))
    files = [six_months.recording_file.name, six_months.transcript_file.name]

    caplog.set_level(logging.INFO, logger="customers.services.contacts")
    with time_machine.travel(at(2026, 11, 23, 1)), django_capture_on_commit_callbacks(execute=True):
        assert tasks.call_recordings_purge_expired.delay().get() == 1
        assert tasks.call_recordings_purge_expired.delay().get() == 0  # safe to run twice

    assert list(CallRecording.objects.values_list("pk", flat=True)) == [younger.pk]
    assert not any(default_storage.exists(name) for name in files)
    assert default_storage.exists(younger.recording_file.name)
    assert not CallRecording.history.filter(id=six_months.pk).exists()
    assert not RecordingPause.objects.exists() and not RecordingPause.history.exists()
    # The contact log keeps its short note (C9).
    assert customer.contact_log.count() == 2
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"recording {six_months.pk} deleted with 2 file(s)" in logged
    assert "7700" not in logged and customer.last_name not in logged


def test_c10_retention_period_is_a_setting(clerk, settings):
    settings.MINT_CALL_RECORDING_RETENTION_MONTHS = 1
    record_call(CustomerFactory(), clerk, started_at=at(2026, 10, 23, 9))
    with time_machine.travel(at(2026, 11, 23, 1)):
        assert services.call_recordings_purge_expired(actor=Actor.system()) == 1
