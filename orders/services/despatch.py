"""O8, O9, O11, O12: despatch, delivery and risk, non-receipt, items sent in error."""

import datetime as dt

from django.conf import settings
from django.db import transaction

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from mint_shop.money import format_pence
from notifications.models import Message
from notifications.services import message_queue
from orders import errors, events, hooks
from orders.models import NonReceiptReport, Order, OrderLine, SentInError, Shipment
from orders.money import lines_amount_pence, live_lines, order_charges_pence
from orders.services._common import (
    lines_save,
    lock_lines,
    lock_order,
    postal_address,
    require_live,
    require_no_price_question,
    require_on_sale,
    require_open,
    tell_customer,
)
from orders.services.review import order_require_reviewed
from orders.services.title import title_pass_due


def _confirmation_body(order: Order, shipment: Shipment, lines: list[OrderLine], due_pence: int) -> str:
    rows = [f"{line.quantity} x {line.product.name}" for line in lines]
    body = [
        f"Your order {order.pk} has been despatched with {shipment.carrier}, tracking {shipment.tracking_number}.",
        f"Expected by {shipment.advised_delivery_date:%d %B %Y}.",
        *rows,
    ]
    if due_pence:  # T&C 4.2: payment not taken before despatch, so the confirmation is the invoice
        body.append("Invoice:")
        body += [f"{line.quantity} x {line.product.name}: {format_pence(line.total_pence)}" for line in lines]
        body.append(f"Amount due, delivery included: {format_pence(due_pence)}")
    else:
        body.append("Nothing is due: payment for these items has been taken.")
    return "\n".join(body)


def _amount_due_pence(order: Order) -> int:
    """What the customer still owes on the order: payments say, or else the live lines not yet paid
    for, with the order's charges while nothing of it is paid (orders/money.py)."""
    answer = hooks.ask(hooks.AMOUNT_DUE, order=order)
    if answer is not None:
        return answer
    kept = live_lines(order.lines.all())
    unpaid = [line for line in kept if line.paid_at is None]
    charges = order_charges_pence(order) if len(unpaid) == len(kept) else 0
    return lines_amount_pence(unpaid) + charges if unpaid else 0


def _send_confirmation(order: Order, shipment: Shipment, lines: list[OrderLine]) -> None:
    """O8: to the delivery address unless the customer directed it to an email address."""
    if order.confirmation_email:
        channel, recipient = Message.Channel.EMAIL, order.confirmation_email
    else:
        channel = Message.Channel.LETTER
        recipient = postal_address(order)
    message_queue(
        channel=channel,
        kind="despatch_confirmation",
        recipient=recipient,
        subject=f"Despatch confirmation for order {order.pk}",
        body=_confirmation_body(order, shipment, lines, _amount_due_pence(order)),
        dedupe_key=f"shipment:{shipment.pk}:despatch_confirmation",
        customer=order.customer,
    )


# --- The despatch checks, one per rule ----------------------------------------------------


def _check_despatch_details(carrier: str, tracking_number: str) -> None:
    """O8: a shipment says who carries it and how to follow it."""
    if not carrier.strip() or not tracking_number.strip():
        raise RuleViolation(errors.DESPATCH_DETAILS_MISSING, "A shipment needs a carrier and a tracking number.")


def _lines_named(all_lines: list[OrderLine], line_ids: list[int]) -> list[OrderLine]:
    """O3: the lines named are on this order."""
    wanted = set(line_ids)
    lines = [line for line in all_lines if line.pk in wanted]
    if len(lines) != len(wanted) or not lines:
        raise RuleViolation(errors.LINES_UNKNOWN, "Some of those lines are not on this order.")
    return lines


def _check_not_despatched(lines: list[OrderLine]) -> None:
    """O8: a line leaves once."""
    if any(line.shipment_id for line in lines):
        raise RuleViolation(errors.ALREADY_DESPATCHED, "A line has already been despatched.")


def _check_allocated(lines: list[OrderLine]) -> None:
    """O5: stock is set aside for every line before it leaves."""
    if any(line.allocated_at is None for line in lines):
        raise RuleViolation(errors.NOT_ALLOCATED, "Stock must be allocated to every line before despatch.")


def _check_part_despatch(order: Order, all_lines: list[OrderLine], lines: list[OrderLine]) -> None:
    """O7: sending only some of the lines waiting is a part despatch, which the customer asked for."""
    waiting = [line for line in all_lines if line.live and line.shipment_id is None]
    if len(lines) < len(waiting) and order.part_despatch_requested_at is None:
        raise RuleViolation(
            errors.PART_DESPATCH_NOT_REQUESTED, "Only the whole order can go unless the customer asks for part."
        )


def order_despatch(
    *,
    order_id: int,
    line_ids: list[int],
    carrier: str,
    tracking_number: str,
    actor: Actor,
    advised_delivery_date: dt.date | None = None,
) -> Shipment:
    """O8: allocated lines leave in one shipment; each not yet paid for is accepted by its despatch (O3)."""
    _check_despatch_details(carrier, tracking_number)
    with transaction.atomic(durable=True):
        order = lock_order(order_id)
        require_open(order)
        order_require_reviewed(order)
        all_lines = lock_lines(order)
        lines = _lines_named(all_lines, line_ids)
        require_on_sale(lines)
        require_live(lines)
        _check_not_despatched(lines)
        _check_allocated(lines)
        require_no_price_question(lines)
        _check_part_despatch(order, all_lines, lines)
        hooks.notify(hooks.LINES_DESPATCH_CHECK, order=order, lines=lines)
        now = clock.now()
        shipment = Shipment.objects.create(
            order=order,
            carrier=carrier,
            tracking_number=tracking_number,
            despatched_at=now,
            despatched_by=actor.user,
            advised_delivery_date=advised_delivery_date or max(order.promised_by or clock.today(), clock.today()),
        )
        for line in lines:
            line.shipment = shipment
            if line.accepted_at is None:
                line.accepted_at = now
                line.accepted_via = OrderLine.AcceptedVia.DESPATCH
        lines_save(lines, ["shipment", "accepted_at", "accepted_via"], actor=actor)
        events.shipment_despatched(
            order=order, shipment_id=shipment.pk, line_ids=[line.pk for line in lines], actor=actor
        )
        hooks.notify(hooks.LINES_DESPATCHED, order=order, lines=lines, shipment=shipment)
        title_pass_due(order=order, lines=lines, actor=actor)  # O10: a pre-sale line's title waits for this
        _send_confirmation(order, shipment, lines)
    return shipment


def shipment_record_delivery(
    *, shipment_id: int, evidence: str, reference: str, actor: Actor, delivered_at: dt.datetime | None = None
) -> Shipment:
    """O9: delivered when signed for, or confirmed by the courier with GPS or a photo; risk passes now."""
    if evidence not in Shipment.Evidence.values or not reference.strip():
        raise RuleViolation(
            errors.DELIVERY_EVIDENCE_MISSING,
            "Delivery needs a signature, or the courier's GPS or photo evidence, with its reference.",
        )
    with transaction.atomic(durable=True):
        shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
        if shipment.delivered_at is not None:
            raise RuleViolation(errors.ALREADY_DELIVERED, "This shipment is already recorded as delivered.")
        if delivered_at is not None and delivered_at < shipment.despatched_at:
            raise RuleViolation(errors.DELIVERED_BEFORE_DESPATCH, "A delivery cannot be made before its despatch.")
        shipment.delivered_at = delivered_at or clock.now()
        shipment.delivery_evidence = evidence
        shipment.evidence_reference = reference
        shipment.save(update_fields=["delivered_at", "delivery_evidence", "evidence_reference"])
        order = lock_order(shipment.order_id)
        events.shipment_delivered(order=order, shipment_id=shipment.pk, evidence=evidence, actor=actor)
        undelivered = order.lines.filter(withdrawn_at__isnull=True).exclude(shipment__delivered_at__isnull=False)
        if order.status == Order.Status.PLACED and not undelivered.exists():
            order.status = Order.Status.COMPLETED
            order.save(update_fields=["status"])
    return shipment


def shipment_report_non_receipt(*, shipment_id: int, details: str, actor: Actor) -> NonReceiptReport:
    """O11: report within 30 days of the later of the advised delivery date and the debit date.

    A later report is still recorded, flagged late.
    """
    with transaction.atomic(durable=True):
        shipment = Shipment.objects.select_for_update().select_related("order").get(pk=shipment_id)
        debits = [clock.london_date(paid) for paid in shipment.lines.values_list("paid_at", flat=True) if paid]
        start = max([shipment.advised_delivery_date, *debits])
        report_by = clock.days_after(start, settings.MINT_NON_RECEIPT_REPORT_DAYS)
        now = clock.now()
        report = NonReceiptReport.objects.create(
            order=shipment.order,
            shipment=shipment,
            reported_at=now,
            report_by=report_by,
            late=clock.london_date(now) > report_by,
            details=details,
            actor=actor.describe(),
        )
        events.non_receipt_reported(order=shipment.order, shipment_id=shipment.pk, late=report.late, actor=actor)
    return report


def _sent_in_error_recorded(shipment, description, remedy, return_cost_pence, collection_date) -> SentInError | None:
    """A shipment's mistake is recorded once (O12): the same record again is a retried request,
    answered with the first, so the customer is told and the postage reimbursed once; a
    different one is refused (the record already asked the customer for the items back)."""
    recorded = shipment.sent_in_error.first()
    if recorded is None:
        return None
    if (recorded.description, recorded.remedy, recorded.return_cost_pence, recorded.collection_date) != (
        description, remedy, return_cost_pence, collection_date
    ):
        raise RuleViolation(
            errors.SENT_IN_ERROR_RECORDED,
            f"Items sent in error with shipment {shipment.pk} are already recorded (record {recorded.pk}).",
        )
    return recorded


def shipment_record_sent_in_error(
    *,
    shipment_id: int,
    description: str,
    remedy: str,
    actor: Actor,
    return_cost_pence: int = 0,
    collection_date: dt.date | None = None,
) -> SentInError:
    """O12: items sent in error stay the mint's; ask for them back, paying the return or collecting."""
    complete = (remedy == SentInError.Remedy.REIMBURSE_RETURN and return_cost_pence > 0) or (
        remedy == SentInError.Remedy.COLLECTION and collection_date is not None
    )
    if not description.strip() or not complete:
        raise RuleViolation(
            errors.SENT_IN_ERROR_REMEDY,
            "Say what was sent in error and either the return cost we reimburse or the collection date.",
        )
    with transaction.atomic(durable=True):
        shipment = Shipment.objects.select_for_update().select_related("order__customer").get(pk=shipment_id)
        recorded = _sent_in_error_recorded(shipment, description, remedy, return_cost_pence, collection_date)
        if recorded:
            return recorded
        record = SentInError.objects.create(
            shipment=shipment,
            description=description,
            remedy=remedy,
            return_cost_pence=return_cost_pence,
            collection_date=collection_date,
            return_requested_at=clock.now(),
            recorded_by=actor.user,
        )
        if remedy == SentInError.Remedy.COLLECTION:
            how = f"We will collect them at our expense on {collection_date:%d %B %Y}."
        else:
            how = f"Please return them by tracked post; we will reimburse the cost, {format_pence(return_cost_pence)}."
        tell_customer(
            order=shipment.order,
            kind="sent_in_error",
            subject=f"Items sent in error with order {shipment.order_id}",
            body=f"We sent you by mistake: {description}. These items remain ours. {how}",
            dedupe_key=f"sent_in_error:{record.pk}",
        )
        events.sent_in_error_recorded(order=shipment.order, shipment_id=shipment.pk, remedy=remedy, actor=actor)
        if remedy == SentInError.Remedy.REIMBURSE_RETURN:
            # O12: the return postage is ours, paid as a reimbursement on top of the price (like R3's).
            hooks.notify(
                hooks.MONEY_BACK_DUE,
                order=shipment.order,
                amount_pence=return_cost_pence,
                request_id=f"sent-in-error-{record.pk}",
                reason=f"return postage for items sent in error (O12), shipment {shipment.pk}",
                reimbursement=True,
            )
    return record
