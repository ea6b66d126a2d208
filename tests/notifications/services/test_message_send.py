import datetime as dt

import pytest
import time_machine
from django.core import mail

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from notifications import services
from notifications.models import Message
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SENT_AT = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def _queue(**overrides) -> Message:
    fields = {
        "channel": Message.Channel.EMAIL,
        "kind": "acknowledgment",
        "recipient": "ada@example.com",
        "subject": "We have your order",
        "body": "Your order is an offer; it is not yet accepted.",
        "dedupe_key": "order:1:acknowledgment",
    } | overrides
    return services.message_queue(**fields)


def test_n4_a_message_is_recorded_then_sent_by_the_worker_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = _queue()
    assert Message.objects.get(pk=message.pk).status == Message.Status.PENDING
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]


def test_n4_the_same_event_queues_one_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue()
        second = _queue(body="a second attempt at the same event")
    assert first.pk == second.pk
    assert len(mail.outbox) == 1


def test_n4_sending_again_never_sends_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()
    services.message_send(message_id=message.pk)
    services.message_send(message_id=message.pk)
    assert len(mail.outbox) == 1


def test_n4_a_failed_send_is_kept_pending_for_a_retry_then_gives_up(settings, monkeypatch):
    settings.MINT_OUTBOX_MAX_ATTEMPTS = 2
    message = Message.objects.create(channel="email", kind="k", recipient="a@b.c", body="b", dedupe_key="k1")

    def refuse(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr(services, "send_mail", refuse)
    with pytest.raises(services.MessageDeliveryFailed):
        services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.PENDING, 1)
    assert "smtp down" in message.last_error

    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.FAILED, 2)


def test_n4_a_message_caught_mid_send_is_not_sent_again():
    message = Message.objects.create(
        channel="email", kind="k", recipient="a@b.c", body="b", dedupe_key="k2", status=Message.Status.SENDING
    )
    services.message_send(message_id=message.pk)
    assert mail.outbox == []


def test_n3_an_email_is_deemed_served_24_hours_after_sending(django_capture_on_commit_callbacks):
    with time_machine.travel(SENT_AT, tick=False), django_capture_on_commit_callbacks(execute=True):
        message = _queue()
    message.refresh_from_db()
    assert message.sent_at == SENT_AT
    assert message.deemed_served_at == SENT_AT + dt.timedelta(hours=24)


def test_n3_a_letter_is_deemed_served_3_days_after_posting(django_capture_on_commit_callbacks, admin_user):
    with django_capture_on_commit_callbacks(execute=True):
        letter = _queue(channel=Message.Channel.LETTER, recipient="1 Mint Way, Llantrisant CF72 8YT")
    letter.refresh_from_db()
    assert letter.status == Message.Status.QUEUED_FOR_PRINT
    assert letter.deemed_served_at is None

    with time_machine.travel(SENT_AT, tick=False):
        csv_text = services.print_queue_export(actor=Actor.staff(admin_user))
    letter.refresh_from_db()
    assert letter.status == Message.Status.POSTED
    assert letter.deemed_served_at == SENT_AT + dt.timedelta(days=3)
    assert "Llantrisant" in csv_text
    assert services.print_queue_export(actor=Actor.staff(admin_user)).count("\n") == 1  # header only


def test_n1_sms_goes_through_the_provider_interface(django_capture_on_commit_callbacks, caplog):
    caplog.set_level("INFO")
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(channel=Message.Channel.SMS, recipient="+447700900001", body="Your order has left us")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert "SMS to +447700900001: Your order has left us" in caplog.text


def test_n1_a_call_task_waits_in_the_staff_queue_until_done(django_capture_on_commit_callbacks, admin_user):
    with django_capture_on_commit_callbacks(execute=True):
        call = _queue(channel=Message.Channel.CALL, recipient="+447700900001", body="Ring about the delay")
    call.refresh_from_db()
    assert call.status == Message.Status.CALL_OPEN
    services.call_task_complete(message_id=call.pk, actor=Actor.staff(admin_user))
    call.refresh_from_db()
    assert call.status == Message.Status.CALL_DONE
    with pytest.raises(RuleViolation):
        services.call_task_complete(message_id=call.pk, actor=Actor.staff(admin_user))


def test_n4_marketing_without_consent_is_refused_at_send_time(django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(purpose=Message.Purpose.MARKETING, customer=customer, kind="new_coin_launch")
    message.refresh_from_db()
    assert message.status == Message.Status.REFUSED
    assert mail.outbox == []


def test_n4_marketing_goes_when_the_consent_hook_allows_it(django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(
        services, "marketing_consent_allows", lambda *, customer, channel, recipient="": channel == "email"
    )
    customer = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue(purpose=Message.Purpose.MARKETING, customer=customer, dedupe_key="m1")
        sms = _queue(purpose=Message.Purpose.MARKETING, customer=customer, dedupe_key="m2",
                     channel=Message.Channel.SMS, recipient="+447700900001")
    email.refresh_from_db()
    sms.refresh_from_db()
    assert (email.status, sms.status) == (Message.Status.SENT, Message.Status.REFUSED)


def test_n4_service_messages_go_whatever_the_marketing_consent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(customer=CustomerFactory(), purpose=Message.Purpose.SERVICE)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_n4_the_beat_sweep_sends_a_message_whose_enqueue_was_lost():
    from notifications.tasks import outbox_send_pending

    with time_machine.travel(SENT_AT, tick=False):
        message = Message.objects.create(channel="email", kind="k", recipient="a@b.c", body="b", dedupe_key="lost")
    with time_machine.travel(SENT_AT + dt.timedelta(minutes=5), tick=False):
        assert outbox_send_pending() == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
