"""R7: faulty goods: the claim, the examination, the outcome in writing, and a refund through cancellation."""

import datetime as dt

from django.conf import settings
from django.db import transaction

from cancellations import errors
from cancellations.eligibility import LineRight, delivered_on
from cancellations.models import Cancellation, FaultClaim
from cancellations.notices import instant_notice
from cancellations.services._common import cancellation_record, cancelled_line_ids
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders.models import Order, OrderLine
from orders.services import order_line_add_remedy, tell_customer


def fault_claim_open(
    *,
    order_line_id: int,
    description: str,
    actor: Actor,
    customer=None,
    reported_on: dt.date | None = None,
    remedy_wanted: str = FaultClaim.Remedy.REFUND,
) -> FaultClaim:
    """The customer reports a delivered product faulty (online, or staff record the report), and says
    which remedy they want: within 30 days of delivery, rejecting it for a full refund (CRA s.22) is
    their right, and a repair or replacement only if they ask for one (R7)."""
    reported_on = reported_on or clock.today()
    lines = OrderLine.objects.select_related("shipment", "order")
    if customer is not None:
        lines = lines.filter(order__customer=customer)
    line = lines.filter(pk=order_line_id).first()
    if line is None:
        raise RuleViolation(errors.LINE_UNKNOWN, f"No line {order_line_id}.")
    delivered = delivered_on(line)
    if delivered is None:
        raise RuleViolation(errors.FAULT_LINE_NOT_DELIVERED, f"Line {line.pk} has not been delivered.")
    if not description.strip():
        raise RuleViolation(errors.FAULT_DECISION_INVALID, "Say what is wrong with it.")
    if remedy_wanted not in FaultClaim.Remedy.values:
        raise RuleViolation(errors.FAULT_DECISION_INVALID, f"A remedy is one of {', '.join(FaultClaim.Remedy.values)}.")
    with transaction.atomic(durable=True):
        OrderLine.objects.select_for_update(of=("self",)).get(pk=line.pk)  # one claim at a time per line
        _check_no_claim_standing(line)
        return FaultClaim.objects.create(
            order_line=line,
            reported_on=reported_on,
            description=description,
            reported_by=actor.describe(),
            within_short_term_right=reported_on <= clock.days_after(delivered, settings.MINT_SHORT_TERM_REJECT_DAYS),
            remedy_wanted=remedy_wanted,
        )


def fault_claim_decide(*, claim_id: int, faulty: bool, findings: str, actor: Actor, remedy: str = "") -> FaultClaim:
    """The examination's outcome, written to the customer (R7).

    Faulty with a refund: the line is cancelled for its full price (delivery too if it was the
    last), owed within 14 days of today (CRA s.20(15)). Faulty with a replacement or repair: a new
    line goes out at no charge, despatched like any other. Within the short-term right the remedy
    is the one the customer chose.
    """
    _check_decision(faulty=faulty, findings=findings, remedy=remedy)
    today = clock.today()
    with transaction.atomic(durable=True):
        claim = FaultClaim.objects.select_for_update().get(pk=claim_id)
        order = Order.objects.select_for_update().select_related("customer").get(pk=claim.order_line.order_id)
        line = (
            OrderLine.objects.select_for_update(of=("self",))
            .select_related("product", "shipment")
            .get(pk=claim.order_line_id)
        )
        if claim.outcome != FaultClaim.Outcome.PENDING:
            raise RuleViolation(errors.FAULT_CLAIM_DECIDED, f"Claim {claim.pk} was decided already.")
        if faulty:
            _check_customers_choice(claim, remedy)
        if faulty and remedy == FaultClaim.Remedy.REFUND and line.pk in cancelled_line_ids(order):
            raise RuleViolation(errors.LINE_ALREADY_CANCELLED, f"Line {line.pk} is already cancelled and refunded.")
        claim.outcome = FaultClaim.Outcome.FAULTY if faulty else FaultClaim.Outcome.NOT_FAULTY
        claim.remedy = remedy
        claim.findings = findings
        claim.examined_on = today
        claim.decided_by = actor.describe()
        claim.save()
        if faulty and remedy == FaultClaim.Remedy.REFUND:
            cancellation_record(
                order=order,
                rights=[LineRight(line, Cancellation.Right.FAULTY, None)],
                right=Cancellation.Right.FAULTY,
                notice=instant_notice(actor.channel),  # agreeing the fault is what makes the refund owed (R5)
                actor=actor,
                fault_claim=claim,
            )
        elif faulty:
            order_line_add_remedy(
                order=order, line_id=line.pk, replacement=remedy == FaultClaim.Remedy.REPLACEMENT, actor=actor
            )
        tell_customer(
            order=order,
            kind="fault_claim_outcome",
            subject=f"Your report about order {order.pk}",
            body=_outcome_text(claim, line),
            dedupe_key=f"fault-claim:{claim.pk}:outcome",
        )
    return claim


def _check_no_claim_standing(line: OrderLine) -> None:
    """A fault is put right once: a second report while one waits for examination, or after one
    was found faulty, is refused (a fault in a replacement is reported on the replacement's line)."""
    standing = FaultClaim.objects.filter(
        order_line=line, outcome__in=[FaultClaim.Outcome.PENDING, FaultClaim.Outcome.FAULTY]
    ).first()
    if standing is not None:
        raise RuleViolation(
            errors.FAULT_CLAIM_OPEN,
            f"Line {line.pk} already has report {standing.pk} ({standing.get_outcome_display().lower()}).",
        )


def _check_decision(*, faulty: bool, findings: str, remedy: str) -> None:
    if not findings.strip():
        raise RuleViolation(errors.FAULT_DECISION_INVALID, "Record what the examination found.")
    if faulty and remedy not in FaultClaim.Remedy.values:
        raise RuleViolation(errors.FAULT_DECISION_INVALID, f"A remedy is one of {', '.join(FaultClaim.Remedy.values)}.")
    if not faulty and remedy:
        raise RuleViolation(errors.FAULT_DECISION_INVALID, "A product found not faulty has no remedy.")


def _check_customers_choice(claim: FaultClaim, remedy: str) -> None:
    """CRA 2015 s.22: within 30 days of delivery the customer chooses; we cannot impose a repair or replacement."""
    if claim.within_short_term_right and remedy != claim.remedy_wanted:
        raise RuleViolation(
            errors.REMEDY_IS_CUSTOMERS_CHOICE,
            f"Reported within {settings.MINT_SHORT_TERM_REJECT_DAYS} days of delivery: the customer chose "
            f"{claim.get_remedy_wanted_display().lower()}, and that is the remedy.",
        )


def _outcome_text(claim: FaultClaim, line: OrderLine) -> str:
    if claim.outcome == FaultClaim.Outcome.NOT_FAULTY:
        return (
            f"We examined the {line.product.name} you reported and found it is not faulty: {claim.findings}. "
            "You may still cancel within your cooling-off period if it applies."
        )
    return (
        f"We examined the {line.product.name} you reported and found it faulty: {claim.findings}. "
        + {
            FaultClaim.Remedy.REFUND: "We will refund its full price within 14 days.",
            FaultClaim.Remedy.REPLACEMENT: "We will send you a replacement.",
            FaultClaim.Remedy.REPAIR: "We will repair it and send it back to you.",
        }[claim.remedy]
    )
