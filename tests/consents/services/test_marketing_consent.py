import pytest
from django.core import mail, signing

from consents import errors, services
from consents.models import MarketingConsent, PrintRunRecipient
from consents.selectors import marketing_consent_allows, marketing_consent_history
from consents.unsubscribe import SALT, unsubscribe_token_make
from customers import services as customer_services
from mint_shop.actors import Actor, ActorKind, Channel
from mint_shop.errors import RuleViolation
from notifications.models import Message
from notifications.services import message_queue
from tests.customers.factories import StaffUserFactory
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def give(customer, channel, actor=None, **overrides):
    fields = {
        "customer_id": customer.pk,
        "channel": channel,
        "granted": True,
        "source": MarketingConsent.Source.WEB_FORM,
        "wording": "Yes, tell me about new coins",
        "actor": actor or Actor.customer(customer.user),
    } | overrides
    return services.marketing_consent_set(**fields)


def test_d1_consent_per_channel_with_source_wording_time_and_who_captured_it():
    customer = CustomerFactory()
    clerk = StaffUserFactory()
    give(customer, "phone", actor=Actor.staff(clerk), source="call", wording="May we call you about offers?")
    consent = MarketingConsent.objects.get(customer=customer, channel="phone")
    assert (consent.granted, consent.basis, consent.source) == (True, "consent", "call")
    assert consent.wording == "May we call you about offers?"
    assert (consent.captured_by, consent.actor_kind) == (clerk, "staff")
    assert consent.changed_at is not None
    assert marketing_consent_allows(customer=customer, channel="call")  # the outbox's name for phone
    assert not marketing_consent_allows(customer=customer, channel="email")


def test_d1_history_keeps_every_change():
    customer = CustomerFactory()
    give(customer, "email", source="competition")
    give(customer, "email", granted=False, source="account")
    give(customer, "email", source="survey")
    history = list(marketing_consent_history(customer_id=customer.pk))
    assert [(h.granted, h.source) for h in history] == [(True, "survey"), (False, "account"), (True, "competition")]


def test_d1_soft_opt_in_is_its_own_basis_for_email_and_sms_only():
    customer = CustomerFactory()
    consent = give(customer, "sms", source="order_form", soft_opt_in=True)
    assert consent.basis == MarketingConsent.Basis.SOFT_OPT_IN
    assert marketing_consent_allows(customer=customer, channel="sms")
    with pytest.raises(RuleViolation) as caught:
        give(customer, "post", source="order_form", soft_opt_in=True)
    assert caught.value.rule == errors.SOFT_OPT_IN_CHANNEL
    assert not MarketingConsent.objects.filter(channel="post").exists()


def test_d1_no_record_means_no_marketing():
    assert not marketing_consent_allows(customer=CustomerFactory(), channel="email")
    assert not marketing_consent_allows(customer=None, channel="email")


@pytest.mark.parametrize("channel", ["email", "sms", "phone"])
def test_d2_an_opt_out_in_the_account_applies_at_once(channel):
    customer = CustomerFactory()
    give(customer, channel)
    give(customer, channel, granted=False, source="account")
    assert not marketing_consent_allows(customer=customer, channel=channel)


@pytest.mark.parametrize("source", ["email", "call", "letter"])
def test_d2_staff_record_an_opt_out_received_by_email_phone_or_letter(source):
    customer = CustomerFactory()
    give(customer, "email")
    clerk = StaffUserFactory()
    consent = give(customer, "email", granted=False, source=source, actor=Actor.staff(clerk))
    assert (consent.granted, consent.basis, consent.captured_by) == (False, "none", clerk)


def test_d2_the_unsubscribe_link_opts_out_once_and_only_its_own_customer():
    customer, other = CustomerFactory(), CustomerFactory()
    give(customer, "email")
    give(other, "email")
    token = unsubscribe_token_make(customer=customer)
    consent = services.marketing_opt_out_by_unsubscribe_link(token=token)
    assert (consent.customer, consent.granted, consent.source) == (customer, False, "unsubscribe_link")
    assert marketing_consent_allows(customer=other, channel="email")

    give(customer, "email")  # they opt in again later: the old link does not work a second time
    with pytest.raises(RuleViolation) as reused:
        services.marketing_opt_out_by_unsubscribe_link(token=token)
    assert reused.value.rule == errors.UNSUBSCRIBE_TOKEN_USED
    assert marketing_consent_allows(customer=customer, channel="email")


def test_d2_a_forged_or_edited_unsubscribe_token_is_refused_and_changes_nothing():
    customer, victim = CustomerFactory(), CustomerFactory()
    give(victim, "email")
    genuine = unsubscribe_token_make(customer=customer)
    payload = signing.loads(genuine, salt=SALT)
    forged_for_victim = signing.dumps({"customer": victim.pk, "nonce": payload["nonce"]}, key="guessed", salt=SALT)
    edited = genuine.replace(genuine.split(":")[0], signing.dumps({"customer": victim.pk}).split(":")[0])
    for token in (forged_for_victim, edited, "nonsense", signing.dumps({"customer": victim.pk}, salt="other")):
        with pytest.raises(RuleViolation) as caught:
            services.marketing_opt_out_by_unsubscribe_link(token=token)
        assert caught.value.rule == errors.UNSUBSCRIBE_TOKEN_INVALID
    assert marketing_consent_allows(customer=victim, channel="email")


@pytest.mark.parametrize("text", ["STOP", "stop", "  Stop \n", "sToP"])
def test_d2_stop_by_text_from_a_known_number_opts_out_of_sms(text):
    customer = CustomerFactory(mobile_phone="+447700900123")
    give(customer, "sms")
    give(customer, "email")
    assert services.marketing_opt_out_by_sms(from_number="+447700900123", body=text) == 1
    assert not marketing_consent_allows(customer=customer, channel="sms")
    assert marketing_consent_allows(customer=customer, channel="email")
    assert MarketingConsent.objects.get(customer=customer, channel="sms").source == "sms_stop"


@pytest.mark.parametrize("sender, text", [("+447700900999", "STOP"), ("+447700900123", "stop it please"),
                                          ("not a number", "STOP"), ("+447700900123", "")])
def test_d2_an_sms_from_an_unknown_number_or_other_text_changes_nothing(sender, text):
    customer = CustomerFactory(mobile_phone="+447700900123")
    give(customer, "sms")
    assert services.marketing_opt_out_by_sms(from_number=sender, body=text) == 0
    assert marketing_consent_allows(customer=customer, channel="sms")


def test_d2_a_postal_opt_out_reaches_every_run_not_yet_printed_but_not_a_printed_one():
    clerk = Actor.staff(StaffUserFactory())
    customer = CustomerFactory(address_line1="1 Mint Street", town="Llantrisant")
    stays = CustomerFactory(address_line1="2 Mint Street", town="Llantrisant")
    give(customer, "post")
    give(stays, "post")
    printed = services.print_run_create(title="Autumn catalogue", actor=clerk)
    services.print_run_mark_printed(print_run_id=printed.pk, actor=clerk)
    waiting = services.print_run_create(title="Christmas catalogue", actor=clerk)

    give(customer, "post", granted=False, source="letter", actor=clerk)
    services.print_run_mark_printed(print_run_id=waiting.pk, actor=clerk)

    assert set(PrintRunRecipient.objects.filter(print_run=printed).values_list("customer", flat=True)) == {
        customer.pk, stays.pk}
    assert list(PrintRunRecipient.objects.filter(print_run=waiting).values_list("customer", flat=True)) == [stays.pk]
    with pytest.raises(RuleViolation) as caught:
        services.print_run_mark_printed(print_run_id=printed.pk, actor=clerk)
    assert caught.value.rule == errors.PRINT_RUN_ALREADY_PRINTED


def test_c7_a_deceased_customer_gets_no_marketing_at_once_on_any_channel():
    customer = CustomerFactory(address_line1="1 Mint Street")
    for channel in ("email", "sms", "phone", "post"):
        give(customer, channel)
    customer_services.customer_mark_deceased(customer_id=customer.pk, actor=Actor.staff(StaffUserFactory()))
    customer.refresh_from_db()
    for channel in ("email", "sms", "phone", "post", "letter", "call"):
        assert not marketing_consent_allows(customer=customer, channel=channel)
    run = services.print_run_create(title="Spring", actor=Actor.staff(StaffUserFactory()))
    services.print_run_mark_printed(print_run_id=run.pk, actor=Actor.staff(StaffUserFactory()))
    assert not run.recipients.exists()
    with pytest.raises(RuleViolation):
        give(customer, "email")


def test_c6_a_representative_records_consent_and_the_record_names_their_capacity():
    customer = CustomerFactory()
    deputy = StaffUserFactory(is_staff=False)
    actor = Actor(kind=ActorKind.REPRESENTATIVE, channel=Channel.WEB, user=deputy, capacity="deputy")
    consent = give(customer, "post", actor=actor)
    assert (consent.captured_by, consent.actor_kind, consent.capacity) == (deputy, "representative", "deputy")


def _marketing_email(customer, key):
    return message_queue(channel="email", kind="offer", recipient=customer.email, body="New sovereigns!",
                         dedupe_key=key, purpose=Message.Purpose.MARKETING, customer=customer, subject="Offer")


def test_d2_the_outbox_refuses_marketing_after_an_opt_out(django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    give(customer, "email")
    with django_capture_on_commit_callbacks(execute=True):
        before = _marketing_email(customer, "offer:1")
    services.marketing_consent_set(customer_id=customer.pk, channel="email", granted=False, source="account",
                                   actor=Actor.customer(customer.user))
    with django_capture_on_commit_callbacks(execute=True):
        after = _marketing_email(customer, "offer:2")
    before.refresh_from_db()
    after.refresh_from_db()
    assert (before.status, after.status) == (Message.Status.SENT, Message.Status.REFUSED)


def test_d3_service_messages_go_whatever_the_marketing_consent(django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    give(customer, "email", granted=False, source="account")
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(channel="email", kind="despatch", recipient=customer.email,
                                body="Your order has been despatched.", dedupe_key="order:1:despatch",
                                customer=customer, subject="Despatched")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(mail.outbox) == 1
