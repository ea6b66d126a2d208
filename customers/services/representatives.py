"""Representatives (C6) and personal representatives of deceased customers (C7)."""

from django.db import transaction

from customers import errors
from customers.audit import stamp
from customers.models import Customer, Representative, User
from customers.services.accounts import mark_deceased_locked
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation


def representative_register(
    *,
    customer_id: int,
    kind: str,
    first_name: str,
    last_name: str,
    actor: Actor,
    email: str = "",
    phone: str = "",
    appointment_reference: str = "",
    user_id: int | None = None,
) -> Representative:
    """C6/C7: someone asks to act for the customer; they act only once staff verify the appointment."""
    with transaction.atomic(durable=True):
        customer = Customer.objects.get(pk=customer_id)
        user = User.objects.get(pk=user_id) if user_id is not None else None
        representative = Representative(
            customer=customer,
            kind=kind,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            appointment_reference=appointment_reference,
            user=user,
            registered_by=actor.user,
        )
        stamp(representative, actor).save()
    return representative


def representative_verify(*, representative_id: int, actor: Actor, user_id: int | None = None) -> Representative:
    """C6: staff have seen the evidence of appointment; the representative may now act.

    Every kind but a customer's own authorised person needs an uploaded evidence document. A
    verified personal representative (C7) also marks the customer deceased, if not already.
    """
    with transaction.atomic(durable=True):
        representative = Representative.objects.select_for_update().get(pk=representative_id)
        customer = Customer.objects.select_for_update().get(pk=representative.customer_id)
        if representative.status != Representative.Status.PENDING:
            raise RuleViolation(errors.REPRESENTATIVE_NOT_PENDING, "Only a pending representative can be verified.")
        needs_evidence = representative.kind != Representative.Kind.AUTHORISED_PERSON
        if needs_evidence and not representative.documents.exists():
            raise RuleViolation(
                errors.REPRESENTATIVE_NEEDS_EVIDENCE, "Upload the evidence of appointment before verifying."
            )
        if user_id is not None:
            representative.user = User.objects.get(pk=user_id)
        representative.status = Representative.Status.VERIFIED
        representative.verified_at = clock.now()
        representative.verified_by = actor.user
        stamp(representative, actor).save()
        is_personal = representative.kind == Representative.Kind.PERSONAL_REPRESENTATIVE
        if is_personal and customer.deceased_at is None:
            mark_deceased_locked(customer=customer, actor=actor, died_on=None)
    return representative


def representative_revoke(*, representative_id: int, actor: Actor, reason: str) -> Representative:
    """C6: end (or, before verification, reject) a representative's authority; they are refused from now on."""
    with transaction.atomic(durable=True):
        representative = Representative.objects.select_for_update().get(pk=representative_id)
        if representative.status == Representative.Status.PENDING:
            representative.status = Representative.Status.REJECTED
        elif representative.status == Representative.Status.VERIFIED:
            representative.status = Representative.Status.REVOKED
        else:
            raise RuleViolation(errors.REPRESENTATIVE_NOT_ACTIVE, "This representative's authority has already ended.")
        representative.ended_at = clock.now()
        representative.end_reason = reason
        stamp(representative, actor).save(update_fields=["status", "ended_at", "end_reason"])
    return representative
