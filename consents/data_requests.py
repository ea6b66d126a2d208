"""D6: data subject requests, from receipt to answer. Writes: one function per use case, one transaction.

The answer is assembled from the `personal_data` providers every app registers
(consents.personal_data); the outbox tells the person through consents.hooks.
"""

from django.db import transaction

from consents import deadlines, errors
from consents.erasure import erase_locked
from consents.hooks import data_request_event
from consents.models import DataRequest, MarketingChannel, MarketingConsent, ProcessingRestriction
from consents.purposes import purpose_register
from consents.register import sharing_register
from consents.services import _consent_write
from customers.audit import stamp
from customers.models import Customer
from mint_shop import clock
from mint_shop.actors import Actor, ActorKind
from mint_shop.errors import RuleViolation
from mint_shop.personal_data import providers

ONLINE_IDENTITY_CHECK = "Signed in to their own account"


def data_request_make(
    *, customer_id: int, kind: str, actor: Actor, details: str = "", corrections: dict | None = None,
    received_at=None, received_via: str = "web", identity_check: str = "",
) -> DataRequest:
    """D6: log a request with its receipt and due date; a customer signed in has proved who they are.

    Staff key requests received by phone, email or letter with the moment they arrived; the
    identity check is then recorded separately. The acknowledgment goes through the outbox.
    """
    received_at = received_at or clock.now()
    if received_at > clock.now():  # it would put the statutory deadline off
        raise RuleViolation(
            errors.DATA_REQUEST_RECEIVED_IN_FUTURE, "A request cannot have been received later than now."
        )
    with transaction.atomic(durable=True):
        customer = Customer.objects.get(pk=customer_id)
        request = DataRequest(
            customer=customer, kind=kind, details=details, corrections=corrections or {},
            received_at=received_at, received_via=received_via, recorded_by=actor.user if actor.user else None,
            due_on=deadlines.answer_due_on(clock.london_date(received_at)),
        )
        if identity_check:
            request.identity_check = identity_check
            request.identity_checked_at = clock.now()
            request.identity_checked_by = actor.user if actor.kind == ActorKind.STAFF else None
            request.status = DataRequest.Status.IN_HAND
        stamp(request, actor).save()
        data_request_event(data_request=request, event="received")
    return request


def _locked(data_request_id: int) -> DataRequest:
    request = DataRequest.objects.select_for_update().select_related("customer").get(pk=data_request_id)
    if request.status == DataRequest.Status.COMPLETED:
        raise RuleViolation(errors.DATA_REQUEST_ALREADY_ANSWERED, "This request has already been answered.")
    return request


def data_request_identity_check(*, data_request_id: int, how: str, actor: Actor) -> DataRequest:
    """D6: the identity check is logged: how, when and by whom."""
    with transaction.atomic(durable=True):
        request = _locked(data_request_id)
        request.identity_check = how
        request.identity_checked_at = clock.now()
        request.identity_checked_by = actor.user
        request.status = DataRequest.Status.IN_HAND
        stamp(request, actor).save()
    return request


def data_request_extend(*, data_request_id: int, reason: str, actor: Actor) -> DataRequest:
    """D6: extend by two months, once, with a reason told to the person within the first month."""
    if not reason.strip():
        raise RuleViolation(errors.DATA_REQUEST_EXTENSION_INVALID, "An extension needs a reason to give the person.")
    with transaction.atomic(durable=True):
        request = _locked(data_request_id)
        if request.extended_due_on is not None:
            raise RuleViolation(errors.DATA_REQUEST_EXTENSION_INVALID, "This request has already been extended.")
        if clock.today() > request.due_on:
            raise RuleViolation(errors.DATA_REQUEST_EXTENSION_LATE,
                                f"An extension must be given within the first month (by {request.due_on}).")
        request.extended_due_on = deadlines.extended_due_on(clock.london_date(request.received_at))
        request.extension_reason = reason
        request.extended_at = clock.now()
        stamp(request, actor).save()
        data_request_event(data_request=request, event="extended")
    return request


def personal_data_export(*, customer_id: int) -> dict:
    """D6: every personal field of the customer in every app, with the purposes and who it was shared with."""
    apps = {provider.app: provider.export(customer_id) for provider in providers()}
    shared = [
        {"recipient": s.recipient, "recipient_kind": s.recipient_kind, "what": s.what, "purpose": s.purpose,
         "shared_at": s.shared_at.isoformat(), "safeguard": s.safeguard}
        for s in sharing_register(customer_id=customer_id)
    ]
    return {"customer_id": customer_id, "exported_at": clock.now().isoformat(), "personal_data": apps,
            "purposes": purpose_register(), "shared_with": shared}


def _rectify(request: DataRequest, actor: Actor) -> list[dict]:
    corrections = dict(request.corrections)
    known = {name for provider in providers() for name in provider.rectifiable}
    unknown = sorted(set(corrections) - known)
    if unknown:
        raise RuleViolation(errors.RECTIFICATION_FIELD_UNKNOWN, f"No personal field called {', '.join(unknown)}.")
    applied = []
    for provider in providers():
        mine = {k: v for k, v in corrections.items() if k in provider.rectifiable}
        if mine:
            applied += provider.rectify(request.customer_id, corrections=mine, actor=actor)
    return [{"record": field, "action": "rectified", "reason": "asked by the person"} for field in applied]


def _object(request: DataRequest, actor: Actor) -> list[dict]:
    """D6/D12: an objection to marketing stops it on every channel; on the phone it counts against the TPS rule."""
    for channel in MarketingChannel.values:
        _consent_write(customer=request.customer, channel=channel, granted=False, source=MarketingConsent.Source.EMAIL,
                       wording=f"Objection (data request {request.pk})", actor=actor,
                       basis=MarketingConsent.Basis.NONE)
    return [{"record": "consents.MarketingConsent", "action": "withdrawn", "reason": "objection to marketing"}]


def _restrict(request: DataRequest, actor: Actor) -> list[dict]:
    if not ProcessingRestriction.objects.filter(customer=request.customer, lifted_at__isnull=True).exists():
        ProcessingRestriction.objects.create(customer=request.customer, data_request=request, started_at=clock.now())
    return [{"record": "consents.ProcessingRestriction", "action": "restricted",
             "reason": "no marketing or retention processing; nothing deleted"}]


def data_request_answer(*, data_request_id: int, actor: Actor) -> DataRequest:
    """D6/D7: carry out the request and answer it, all or nothing. Identity must have been checked."""
    with transaction.atomic(durable=True):
        request = _locked(data_request_id)
        if request.identity_checked_at is None:
            raise RuleViolation(errors.DATA_REQUEST_IDENTITY_UNCHECKED, "Check the person's identity first.")
        kind = request.kind
        if kind in (DataRequest.Kind.ACCESS, DataRequest.Kind.PORTABILITY):
            request.export = personal_data_export(customer_id=request.customer_id)
        elif kind == DataRequest.Kind.RECTIFICATION:
            request.outcome = _rectify(request, actor)
        elif kind == DataRequest.Kind.OBJECTION:
            request.outcome = _object(request, actor)
        elif kind == DataRequest.Kind.RESTRICTION:
            request.outcome = _restrict(request, actor)
        else:
            Customer.objects.select_for_update().get(pk=request.customer_id)
            request.outcome = [note.as_dict() for note in erase_locked(customer=request.customer, actor=actor)]
            request.details = ""  # the request's own free text goes with the rest
            request.corrections = {}
            request.customer.refresh_from_db()  # no contact details left: the answer stands on the request
        request.status = DataRequest.Status.COMPLETED
        request.completed_at = clock.now()
        stamp(request, actor).save()
        data_request_event(data_request=request, event="answered")
    return request
