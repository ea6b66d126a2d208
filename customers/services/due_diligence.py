"""Due diligence: checks (C4), evidence documents, source of funds and wealth (C5)."""

import datetime as dt

from django.conf import settings
from django.db import transaction

from customers import errors, hooks
from customers.audit import stamp
from customers.models import Customer, DueDiligenceCheck, EvidenceDocument, Representative, SourceOfFundsRequest
from customers.uploads import evidence_content_type
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation

_OPEN = (DueDiligenceCheck.Status.PENDING, DueDiligenceCheck.Status.REFERRED)


def due_diligence_check_create(
    *,
    customer_id: int,
    kind: str,
    actor: Actor,
    representative_id: int | None = None,
    status: str = DueDiligenceCheck.Status.PENDING,
    provider: str = "",
    provider_reference: str = "",
    notes: str = "",
) -> DueDiligenceCheck:
    """C4: record a check of the customer, or of their representative (C6)."""
    with transaction.atomic(durable=True):
        customer = Customer.objects.get(pk=customer_id)
        if representative_id is not None:
            Representative.objects.get(pk=representative_id, customer=customer)
        now = clock.now()
        check = DueDiligenceCheck(
            customer=customer,
            representative_id=representative_id,
            kind=kind,
            status=status,
            provider=provider,
            provider_reference=provider_reference,
            notes=notes,
            requested_at=now,
            completed_at=None if status in _OPEN else now,
            recorded_by=actor.user,
        )
        stamp(check, actor).save()
        _tell_if_aml_identity_passed(check, actor)
    return check


def due_diligence_check_update(
    *, check_id: int, actor: Actor, status: str, provider_reference: str | None = None, notes: str | None = None
) -> DueDiligenceCheck:
    """C4: a provider's answer. A passed or failed check is final; a new check is a new row."""
    with transaction.atomic(durable=True):
        check = DueDiligenceCheck.objects.select_for_update().get(pk=check_id)
        if check.status not in _OPEN:
            raise RuleViolation(
                errors.CHECK_ALREADY_DECIDED, f"This check is already {check.get_status_display().lower()}."
            )
        check.status = status
        check.completed_at = None if status in _OPEN else clock.now()
        if provider_reference is not None:
            check.provider_reference = provider_reference
        if notes is not None:
            check.notes = notes
        stamp(check, actor).save()
        _tell_if_aml_identity_passed(check, actor)
    return check


def _tell_if_aml_identity_passed(check: DueDiligenceCheck, actor: Actor) -> None:
    """O10: title may have waited only for this; the apps above act in this transaction."""
    if (
        check.kind == DueDiligenceCheck.Kind.AML
        and check.representative_id is None
        and check.status == DueDiligenceCheck.Status.PASSED
    ):
        hooks.aml_identity_passed(customer=check.customer, actor=actor)


def evidence_document_add(
    *,
    customer_id: int,
    upload,
    actor: Actor,
    check_id: int | None = None,
    representative_id: int | None = None,
    source_of_funds_request_id: int | None = None,
    description: str = "",
) -> EvidenceDocument:
    """Attach a PDF, JPEG or PNG (sniffed, size-limited) to a check, an appointment or a request.

    The subject must belong to the customer named, so a document cannot land on someone else's file.
    """
    content_type = evidence_content_type(upload)
    document = EvidenceDocument(
        customer_id=customer_id,
        check_record_id=check_id,
        representative_id=representative_id,
        source_of_funds_request_id=source_of_funds_request_id,
        original_name=upload.name[:255],
        content_type=content_type,
        size_bytes=upload.size,
        description=description,
        uploaded_by=actor.user,
    )
    try:
        with transaction.atomic(durable=True):
            if check_id is not None:
                DueDiligenceCheck.objects.get(pk=check_id, customer_id=customer_id)
            if representative_id is not None:
                Representative.objects.get(pk=representative_id, customer_id=customer_id)
            if source_of_funds_request_id is not None:
                SourceOfFundsRequest.objects.get(pk=source_of_funds_request_id, customer_id=customer_id)
            document.file.save(upload.name, upload, save=False)
            stamp(document, actor).save()
    except Exception:
        # Nothing written means no file left behind in storage either.
        if document.file:
            document.file.delete(save=False)
        raise
    return document


def source_of_funds_request_create(
    *, customer_id: int, order_id: int, actor: Actor, due_on: dt.date | None = None, notes: str = ""
) -> SourceOfFundsRequest:
    """C5: ask for evidence of source of funds or wealth for one of the customer's orders."""
    today = clock.today()
    due_on = due_on or clock.days_after(today, settings.MINT_SOURCE_OF_FUNDS_DAYS)
    if due_on < today:
        raise RuleViolation(errors.SOURCE_OF_FUNDS_DUE_IN_PAST, "The due date has already passed.")
    # The order model is reached through the foreign key, never by importing orders (it sits above us).
    Order = SourceOfFundsRequest._meta.get_field("order").related_model
    with transaction.atomic(durable=True):
        if not Order.objects.filter(pk=order_id, customer_id=customer_id).exists():
            raise RuleViolation(errors.SOURCE_OF_FUNDS_WRONG_ORDER, "That order is not this customer's.")
        request = SourceOfFundsRequest(
            customer_id=customer_id,
            order_id=order_id,
            requested_at=clock.now(),
            requested_by=actor.user,
            due_on=due_on,
            notes=notes,
        )
        stamp(request, actor).save()
    return request


def source_of_funds_decide(*, request_id: int, outcome: str, actor: Actor, notes: str = "") -> SourceOfFundsRequest:
    """C5: accept the evidence, or record that it was refused or not provided (the order is then cancelled)."""
    with transaction.atomic(durable=True):
        request = SourceOfFundsRequest.objects.select_for_update().get(pk=request_id)
        if request.outcome != SourceOfFundsRequest.Outcome.PENDING:
            raise RuleViolation(errors.SOURCE_OF_FUNDS_ALREADY_DECIDED, "This request is already decided.")
        request.outcome = outcome
        request.decided_at = clock.now()
        request.decided_by = actor.user
        if notes:
            request.notes = f"{request.notes}\n{notes}".strip()
        stamp(request, actor).save()
    return request


def source_of_funds_record_order_cancelled(*, request_id: int, actor: Actor) -> SourceOfFundsRequest:
    """C5: orders call this after cancelling the order and returning the money; safe to call twice."""
    with transaction.atomic(durable=True):
        request = SourceOfFundsRequest.objects.select_for_update().get(pk=request_id)
        if request.order_cancelled_at is None:
            request.order_cancelled_at = clock.now()
            stamp(request, actor).save(update_fields=["order_cancelled_at"])
    return request
