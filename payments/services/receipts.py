"""Cheques, bank transfers and banker's drafts (M7)."""

import datetime as dt

from django.db import transaction

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from mint_shop.money import MAX_PENCE, format_pence
from orders.services import tell_customer
from payments import errors
from payments.locks import order_lock
from payments.models import BankReceipt, Cheque, LedgerEntry, OrderPayment
from payments.selectors import order_money
from payments.services.acceptance import lines_accept, lines_unaccept
from payments.services.ledger import ledger_record

TRANSFER_METHODS = ("bank_transfer", "bankers_draft")


def order_payment_by_reference(*, reference: str) -> OrderPayment:
    """The order a payment reference (MINT-<order id>) names; 404 naming M7 when none does."""
    cleaned = reference.strip().upper()
    order_payment = OrderPayment.objects.select_related("order").filter(reference=cleaned).first()
    if order_payment is None:
        raise RuleViolation(errors.UNKNOWN_ORDER_REFERENCE, f"No order has the payment reference {reference!r}.")
    return order_payment


def _amount_checked(amount_pence: int) -> int:
    if not 0 < amount_pence <= MAX_PENCE:
        raise RuleViolation(
            errors.RECEIPT_AMOUNT_INVALID, f"A payment received must be between 1p and {format_pence(MAX_PENCE)}."
        )
    return amount_pence


def cheque_record_received(
    *, reference: str, amount_pence: int, drawer: str, cheque_number: str, actor: Actor
) -> Cheque:
    _amount_checked(amount_pence)
    with transaction.atomic(durable=True):
        order_payment = order_payment_by_reference(reference=reference)
        return Cheque.objects.create(
            order=order_payment.order,
            amount_pence=amount_pence,
            drawer=drawer,
            cheque_number=cheque_number,
            received_at=clock.now(),
            recorded_by=actor.describe(),
        )


def _cheque_locked(cheque_id: int, *, allowed: tuple[str, ...], action: str) -> Cheque:
    order_lock(Cheque.objects.values_list("order_id", flat=True).get(pk=cheque_id))  # the order first
    cheque = Cheque.objects.select_for_update(of=("self",)).select_related("order__customer").get(pk=cheque_id)
    if cheque.status not in allowed:
        raise RuleViolation(errors.CHEQUE_STATE, f"A {cheque.status} cheque cannot be {action}.")
    return cheque


def cheque_bank(*, cheque_id: int, actor: Actor) -> Cheque:
    """Paid in: the cheque is cashed on receipt, so the lines it pays for are accepted (O3).

    Banked is not cleared: title waits for `cheque_clear` (O10).
    """
    with transaction.atomic(durable=True):
        cheque = _cheque_locked(cheque_id, allowed=(Cheque.Status.RECEIVED,), action="banked")
        cheque.status = Cheque.Status.BANKED
        cheque.banked_at = clock.now()
        cheque.save(update_fields=["status", "banked_at"])
        if cheque.amount_pence >= order_money(order_id=cheque.order_id)["outstanding_pence"]:
            lines_accept(order=cheque.order, funds_cleared=False, actor=actor)
        return cheque


def cheque_clear(*, cheque_id: int, actor: Actor) -> Cheque:
    with transaction.atomic(durable=True):
        cheque = _cheque_locked(cheque_id, allowed=(Cheque.Status.BANKED,), action="cleared")
        cheque.status = Cheque.Status.CLEARED
        cheque.settled_at = clock.now()
        cheque.save(update_fields=["status", "settled_at"])
        ledger_record(
            order_id=cheque.order_id,
            kind=LedgerEntry.Kind.CHEQUE_CLEARED,
            amount_pence=cheque.amount_pence,
            method="cheque",
            external_id=cheque.order.payment.reference,
            reference=f"cheque {cheque.cheque_number}",
            actor=actor,
        )
        if order_money(order_id=cheque.order_id)["outstanding_pence"] == 0:  # every penny cleared (O10)
            lines_accept(order=cheque.order, funds_cleared=True, actor=actor)
        return cheque


def cheque_bounce(*, cheque_id: int, actor: Actor) -> Cheque:
    """The bank returned the cheque: acceptance by payment is taken back and the customer told."""
    with transaction.atomic(durable=True):
        cheque = _cheque_locked(cheque_id, allowed=(Cheque.Status.RECEIVED, Cheque.Status.BANKED), action="bounced")
        was_banked = cheque.status == Cheque.Status.BANKED
        cheque.status = Cheque.Status.BOUNCED
        cheque.settled_at = clock.now()
        cheque.save(update_fields=["status", "settled_at"])
        ledger_record(
            order_id=cheque.order_id,
            kind=LedgerEntry.Kind.CHEQUE_BOUNCED,
            amount_pence=cheque.amount_pence,
            method="cheque",
            reference=f"cheque {cheque.cheque_number}",
            actor=actor,
        )
        if was_banked:
            lines_unaccept(order=cheque.order, actor=actor)
        tell_customer(
            order=cheque.order,
            kind="cheque_bounced",
            subject=f"Your cheque for order {cheque.order_id} was returned",
            body=(
                f"Your bank returned your cheque {cheque.cheque_number} for {format_pence(cheque.amount_pence)}. "
                f"Your order {cheque.order_id} waits for payment; please call us to pay another way."
            ),
            dedupe_key=f"cheque-bounced:{cheque.pk}",
        )
        return cheque


def bank_receipt_record(
    *, reference: str, amount_pence: int, received_on: dt.date, method: str, actor: Actor
) -> BankReceipt:
    """A transfer or banker's draft, matched to its order by the reference it quotes."""
    if method not in TRANSFER_METHODS:
        raise RuleViolation(errors.METHOD_NOT_ACCEPTED, f"{method!r} is not a bank transfer or banker's draft.")
    _amount_checked(amount_pence)
    with transaction.atomic(durable=True):
        order_payment = order_payment_by_reference(reference=reference)
        receipt = BankReceipt.objects.create(
            order=order_payment.order,
            method=method,
            reference=order_payment.reference,
            amount_pence=amount_pence,
            received_on=received_on,
            recorded_by=actor.describe(),
        )
        ledger_record(
            order_id=order_payment.order_id,
            kind=LedgerEntry.Kind.TRANSFER,
            amount_pence=amount_pence,
            method=method,
            external_id=order_payment.reference,
            reference=f"{method} received {received_on.isoformat()}",
            actor=actor,
        )
        if order_money(order_id=order_payment.order_id)["outstanding_pence"] == 0:
            lines_accept(order=order_payment.order, funds_cleared=True, actor=actor)
        return receipt
