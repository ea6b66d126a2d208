"""The outbox (N4): every message is recorded, then sent by a worker, at most once."""

import csv
import datetime as dt
import io
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from consents.register import offer_assert_new, offer_record, offer_unrecord
from consents.selectors import marketing_consent_allows
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.background import enqueue_on_commit
from mint_shop.errors import RuleViolation
from mint_shop.rows import row_create
from notifications import errors
from notifications.channels.sms import sms_provider
from notifications.models import Message

logger = logging.getLogger(__name__)


class MessageDeliveryFailed(Exception):
    """The channel refused or failed; the task retries while attempts remain."""


def message_queue(
    *,
    channel: str,
    kind: str,
    recipient: str,
    body: str,
    dedupe_key: str,
    purpose: str = Message.Purpose.SERVICE,
    customer=None,
    subject: str = "",
    offer_code: str = "",
    new: bool = False,
) -> Message:
    """Record a message and have it sent once the caller's transaction commits.

    The same `dedupe_key` always names the same message, so a service that runs twice for
    one event queues one message. A marketing message carrying an offer is entered in the
    offer history (D4), which refuses the same offer to the same person a second time.
    `new=True` says the key names something the caller's transaction has just made (an order
    placed now), so no message can have it yet: one INSERT and no look-up (the unique key
    still refuses a second).
    """
    from notifications.tasks import message_send as message_send_task

    is_offer = bool(offer_code) and purpose == Message.Purpose.MARKETING
    if is_offer and not Message.objects.filter(dedupe_key=dedupe_key).exists():
        offer_assert_new(customer=customer, offer_code=offer_code)
    fields = {
        "channel": channel,
        "kind": kind,
        "recipient": recipient,
        "body": body,
        "purpose": purpose,
        "customer": customer,
        "subject": subject,
    }
    with transaction.atomic(savepoint=False):  # the message and its offer-history entry go together
        if new:
            message, created = row_create(Message(dedupe_key=dedupe_key, **fields)), True
        else:
            message, created = Message.objects.get_or_create(dedupe_key=dedupe_key, defaults=fields)
        if created and is_offer:
            offer_record(customer=customer, offer_code=offer_code, channel=channel, message_reference=dedupe_key)
    if created:
        enqueue_on_commit(message_send_task, message.pk)
    return message


def retry_delay(attempts: int) -> dt.timedelta:
    """Backoff after a failed send: 30 s, 1 min, 2 min, … up to MINT_OUTBOX_RETRY_MAX_SECONDS."""
    return dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), settings.MINT_OUTBOX_RETRY_MAX_SECONDS))


def _deemed_served(channel: str, moment: dt.datetime) -> dt.datetime | None:
    """N3: an email is deemed served 24 hours after sending, a letter 3 days after posting."""
    if channel == Message.Channel.EMAIL:
        return moment + dt.timedelta(hours=settings.MINT_EMAIL_DEEMED_SERVED_HOURS)
    if channel == Message.Channel.LETTER:
        return moment + dt.timedelta(days=settings.MINT_LETTER_DEEMED_SERVED_DAYS)
    return None


def _claim_for_sending(message_id: int) -> Message | None:
    """Lock the message and move it on; return it only if it must go out over the wire now."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != Message.Status.PENDING:
            return None  # already sent, sending, queued or refused: never twice
        if message.next_attempt_at and message.next_attempt_at > clock.now():
            return None  # failed lately: its backoff has not run out
        if message.purpose == Message.Purpose.MARKETING and not marketing_consent_allows(
            customer=message.customer, channel=message.channel, recipient=message.recipient
        ):
            message.status = Message.Status.REFUSED
            message.save(update_fields=["status"])
            offer_unrecord(message_reference=message.dedupe_key)  # D4: it never went
            return None
        if message.channel == Message.Channel.LETTER:
            message.status = Message.Status.QUEUED_FOR_PRINT
            message.save(update_fields=["status"])
            return None
        if message.channel == Message.Channel.CALL:
            message.status = Message.Status.CALL_OPEN
            message.save(update_fields=["status"])
            return None
        # Committed before the send: a crash mid-send leaves it SENDING for staff to check,
        # rather than sending it again (at most once, N4).
        message.status = Message.Status.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts"])
        return message


def _deliver(message: Message) -> None:
    if message.channel == Message.Channel.EMAIL:
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient])
    else:
        sms_provider().send(to=message.recipient, body=message.body)


def message_send(*, message_id: int) -> Message:
    """Send one message if it is still pending. Safe to call any number of times."""
    message = _claim_for_sending(message_id)
    if message is None:
        return Message.objects.get(pk=message_id)
    try:
        _deliver(message)
    except Exception as exc:  # any channel failure: record it, let the task retry
        gave_up = message.attempts >= settings.MINT_OUTBOX_MAX_ATTEMPTS
        message.status = Message.Status.FAILED if gave_up else Message.Status.PENDING
        message.last_error = f"{type(exc).__name__}: {exc}"
        message.next_attempt_at = None if gave_up else clock.now() + retry_delay(message.attempts)
        message.save(update_fields=["status", "last_error", "next_attempt_at"])
        logger.warning("message %s attempt %s failed: %s", message.pk, message.attempts, exc)
        if gave_up:
            return message
        raise MessageDeliveryFailed(str(exc)) from exc
    sent_at = clock.now()
    message.status = Message.Status.SENT
    message.sent_at = sent_at
    message.deemed_served_at = _deemed_served(message.channel, sent_at)
    message.last_error = ""
    message.next_attempt_at = None
    message.save(update_fields=["status", "sent_at", "deemed_served_at", "last_error", "next_attempt_at"])
    return message


def print_queue_export(*, actor: Actor) -> str:
    """Hand the letter print queue to the mailing room as CSV and mark those letters posted."""
    with transaction.atomic(durable=True):
        letters = list(
            Message.objects.select_for_update()
            .filter(channel=Message.Channel.LETTER, status=Message.Status.QUEUED_FOR_PRINT)
            .order_by("pk")
        )
        posted_at = clock.now()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["message_id", "kind", "recipient", "subject", "body"])
        for letter in letters:
            writer.writerow([letter.pk, letter.kind, letter.recipient, letter.subject, letter.body])
            letter.status = Message.Status.POSTED
            letter.sent_at = posted_at
            letter.deemed_served_at = _deemed_served(letter.channel, posted_at)
        Message.objects.bulk_update(letters, ["status", "sent_at", "deemed_served_at"])
    logger.info("%s exported %d letters for printing", actor.describe(), len(letters))
    return out.getvalue()


def call_task_complete(*, message_id: int, actor: Actor) -> Message:
    """Staff made the call a call task asked for."""
    with transaction.atomic(durable=True):
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != Message.Status.CALL_OPEN:
            raise RuleViolation(errors.MESSAGE_NOT_CALL_TASK, "This message is not an open call task.")
        message.status = Message.Status.CALL_DONE
        message.sent_at = clock.now()
        message.save(update_fields=["status", "sent_at"])
    return message
