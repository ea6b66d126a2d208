"""The contact log (C9) and call recordings (C10), with their retention (D8)."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction

from customers import errors
from customers.audit import stamp
from customers.models import CallRecording, ContactLogEntry, Customer, RecordingPause
from customers.selectors import call_recording_list_expired
from customers.uploads import recording_size_check
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation

logger = logging.getLogger(__name__)


def contact_log_record(
    *, customer_id: int, kind: str, direction: str, occurred_at: dt.datetime, summary: str, actor: Actor
) -> ContactLogEntry:
    """C9: a short note of one letter, email or call."""
    with transaction.atomic(durable=True):
        entry = _contact_log_entry(
            customer_id=customer_id, kind=kind, direction=direction, occurred_at=occurred_at, summary=summary,
            actor=actor,
        )
    return entry


def _contact_log_entry(*, customer_id, kind, direction, occurred_at, summary, actor) -> ContactLogEntry:
    entry = ContactLogEntry(
        customer=Customer.objects.get(pk=customer_id),
        kind=kind,
        direction=direction,
        occurred_at=occurred_at,
        summary=summary,
        recorded_by=actor.user,
    )
    stamp(entry, actor).save()
    return entry


def call_recording_record(
    *,
    customer_id: int,
    direction: str,
    customer_number: str,
    mint_number: str,
    started_at: dt.datetime,
    purpose: str,
    summary: str,
    actor: Actor,
    ended_at: dt.datetime | None = None,
    recording_reference: str = "",
    transcript_reference: str = "",
    recording_file=None,
    transcript_file=None,
) -> CallRecording:
    """C10: a recorded call, with its contact-log entry (C9) and, optionally, the files themselves."""
    recording_size_check(recording_file)
    recording_size_check(transcript_file)
    if started_at > clock.now() or (ended_at is not None and ended_at < started_at):
        raise RuleViolation(errors.CALL_TIMES_INVALID, "A call is recorded once made, and ends after it starts.")
    recording = CallRecording(
        direction=direction,
        customer_number=customer_number,
        mint_number=mint_number,
        started_at=started_at,
        ended_at=ended_at,
        purpose=purpose,
        recording_reference=recording_reference,
        transcript_reference=transcript_reference,
        recorded_by=actor.user,
    )
    try:
        with transaction.atomic(durable=True):
            recording.contact = _contact_log_entry(
                customer_id=customer_id, kind=ContactLogEntry.Kind.CALL, direction=direction,
                occurred_at=started_at, summary=summary, actor=actor,
            )
            if recording_file is not None:
                recording.recording_file.save(recording_file.name, recording_file, save=False)
            if transcript_file is not None:
                recording.transcript_file.save(transcript_file.name, transcript_file, save=False)
            stamp(recording, actor).save()
    except Exception:
        _delete_files(recording)
        raise
    return recording


def call_recording_pause_record(
    *, recording_id: int, paused_at: dt.datetime, resumed_at: dt.datetime, actor: Actor
) -> RecordingPause:
    """C10: the recording stopped while a card was keyed, so the security code never reached it."""
    with transaction.atomic(durable=True):
        recording = CallRecording.objects.select_for_update().get(pk=recording_id)
        ends = recording.ended_at or resumed_at
        if not (recording.started_at <= paused_at <= resumed_at <= ends):
            raise RuleViolation(errors.PAUSE_OUTSIDE_CALL, "A pause must start and end within the call.")
        pause = RecordingPause(recording=recording, paused_at=paused_at, resumed_at=resumed_at, recorded_by=actor.user)
        stamp(pause, actor).save()
    return pause


def call_recording_transcript_transfer_record(*, recording_id: int, actor: Actor) -> CallRecording:
    """C10/D9: the transcript went to the US processor under standard contractual clauses."""
    with transaction.atomic(durable=True):
        recording = CallRecording.objects.select_for_update().get(pk=recording_id)
        if not (recording.transcript_reference or recording.transcript_file):
            raise RuleViolation(errors.TRANSCRIPT_MISSING, "This call has no transcript to transfer.")
        recording.transcript_sent_at = clock.now()
        recording.transcript_processor = settings.MINT_TRANSCRIPT_PROCESSOR
        recording.transfer_safeguard = settings.MINT_TRANSCRIPT_TRANSFER_SAFEGUARD
        stamp(recording, actor).save(update_fields=["transcript_sent_at", "transcript_processor", "transfer_safeguard"])
    return recording


def _delete_files(recording: CallRecording) -> int:
    deleted = 0
    for field in (recording.recording_file, recording.transcript_file):
        if field:
            field.delete(save=False)
            deleted += 1
    return deleted


def call_recordings_purge_expired(*, actor: Actor) -> int:
    """C10/D8: delete recordings and transcripts (files, rows and history) older than the retention period.

    The contact-log entry stays (C9). The log names only row ids and counts, no personal data.
    Running it twice deletes nothing more.
    """
    purged = 0
    for recording_id in list(call_recording_list_expired().values_list("pk", flat=True)):
        with transaction.atomic(durable=True):
            recording = CallRecording.objects.select_for_update().filter(pk=recording_id).first()
            if recording is None:
                continue  # another run took it
            pause_ids = list(recording.pauses.values_list("pk", flat=True))
            recording.pauses.all().delete()
            recording.delete()
            RecordingPause.history.filter(id__in=pause_ids).delete()
            CallRecording.history.filter(id=recording_id).delete()
            transaction.on_commit(lambda r=recording, rid=recording_id: _log_purge(r, rid, actor))
        purged += 1
    return purged


def _log_purge(recording: CallRecording, recording_id: int, actor: Actor) -> None:
    files = _delete_files(recording)
    logger.info("call recording retention: recording %s deleted with %d file(s) by %s", recording_id, files, actor.kind)
