"""Instalments on the mint's interest-free account (M5, T&C 7.4(b)): subject to status, so finance
approves or refuses each plan; an approved plan has a monthly schedule adding up to the order's
total, reminders before each due date, missed payments and arrears; the first instalment makes
the lines contracts (O3) and the last lets title pass (O10). Goods wait for the approval.
"""

import calendar
import datetime as dt

from django.conf import settings
from django.db import transaction

from customers.models import PreferredContact
from customers.selectors import customer_postal_address
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from mint_shop.money import allocate_pence, format_pence
from notifications.models import Message
from notifications.services import message_queue
from orders.models import Order, PaymentMethod
from orders.money import order_total_pence
from orders.services import PaymentRequest, tell_customer
from payments import errors
from payments.locks import order_lock
from payments.models import Instalment, InstalmentPlan, LedgerEntry
from payments.selectors import instalments_due_for_reminder, order_money
from payments.services.acceptance import lines_accept
from payments.services.ledger import ledger_record

_LIVE = (InstalmentPlan.Status.ACTIVE, InstalmentPlan.Status.IN_ARREARS)


def instalment_count_check(payment: PaymentRequest) -> int:
    """M5: a plan has 2 to MINT_INSTALMENT_MAX_COUNT monthly instalments."""
    count = payment.number_of_instalments
    if not isinstance(count, int) or not 2 <= count <= settings.MINT_INSTALMENT_MAX_COUNT:
        raise RuleViolation(
            errors.INSTALMENTS_INVALID,
            f"number_of_instalments must be a whole number from 2 to {settings.MINT_INSTALMENT_MAX_COUNT}.",
        )
    return count


def instalment_plan_apply(*, order, payment: PaymentRequest) -> InstalmentPlan:
    """The customer asks to pay by instalments (inside the order-placing transaction)."""
    return InstalmentPlan.objects.create(
        order=order, number_of_instalments=instalment_count_check(payment), total_pence=order_total_pence(order)
    )


def instalment_plan_assert_approved(*, order: Order) -> None:
    """LINES_DESPATCH_CHECK: goods on the interest-free account leave only under an approved plan."""
    if order.payment_method != PaymentMethod.INSTALMENTS:
        return
    plan = InstalmentPlan.objects.filter(order=order).first()
    if plan is None or plan.status in (InstalmentPlan.Status.APPLIED, InstalmentPlan.Status.DECLINED):
        status = plan.get_status_display().lower() if plan else "missing"
        raise RuleViolation(
            errors.INSTALMENT_PLAN_NOT_APPROVED,
            f"Order {order.pk} is paid by instalments and its plan is {status}: nothing is despatched "
            "until finance approves it.",
        )


def instalment_plan_follow_order(*, order: Order) -> None:
    """LINES_WITHDRAWN (O3, M9): withdrawn lines are not owed, so a plan nothing was paid into
    follows what the order costs now. A pending plan shows finance the real total; an approved
    one spreads it again over the same dates (odd pennies first). One whose order has nothing
    left ends, paid into or not, so nobody is reminded or put in arrears for goods no longer
    ordered (what was paid comes back through the cancellation or P3's refund).

    A plan paid into keeps its schedule while lines remain: the first instalment made its lines
    contracts (O3), and a contract leaves only by a cancellation or P3's stop, each refunding
    the price of what it takes off.
    The caller (orders' withdrawal) has locked the order first (payments.locks).
    """
    plan = InstalmentPlan.objects.select_for_update().filter(order=order).first()
    if plan is None or plan.status not in (InstalmentPlan.Status.APPLIED, *_LIVE):
        return
    instalments = list(plan.instalments.select_for_update().order_by("number"))
    total = order_money(order_id=order.pk)["total_pence"]
    if total and any(instalment.paid_at for instalment in instalments):
        return
    plan.total_pence = total
    if plan.status != InstalmentPlan.Status.APPLIED:
        if total == 0:
            plan.status = InstalmentPlan.Status.ENDED
            plan.save(update_fields=["total_pence", "status"])
            return
        amounts = allocate_pence(plan.total_pence, [1] * len(instalments))
        for instalment, amount in zip(instalments, amounts, strict=True):
            instalment.amount_pence = amount
            instalment.save(update_fields=["amount_pence"])
    plan.save(update_fields=["total_pence", "status"])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_decision(plan: InstalmentPlan, *, approve: bool, reason: str, first_due_on: dt.date | None) -> None:
    if plan.status != InstalmentPlan.Status.APPLIED:
        raise RuleViolation(errors.INSTALMENT_PLAN_STATE, f"The plan was already decided ({plan.status}).")
    if not approve and not reason.strip():
        raise RuleViolation(errors.INSTALMENT_REFUSAL_REASON_MISSING, "Give the reason for refusing the plan.")
    if approve and plan.order.status != Order.Status.PLACED:
        raise RuleViolation(errors.INSTALMENT_PLAN_STATE, f"Order {plan.order_id} is no longer open.")
    if first_due_on is not None and first_due_on < clock.today():
        raise RuleViolation(errors.INSTALMENTS_INVALID, "The first instalment cannot fall due in the past.")


def instalment_plan_decide(
    *, plan_id: int, approve: bool, reason: str, actor: Actor, first_due_on: dt.date | None = None
) -> InstalmentPlan:
    """The status decision, recorded with who, when and why: approve and schedule, or refuse.

    The schedule is monthly and interest-free: the order's total, delivery included, as it
    stands now, split into equal instalments to the penny, the odd pennies on the earliest.
    """
    with transaction.atomic(durable=True):
        plan = InstalmentPlan.objects.select_for_update(of=("self",)).select_related("order__customer").get(pk=plan_id)
        _check_decision(plan, approve=approve, reason=reason, first_due_on=first_due_on)
        plan.status = InstalmentPlan.Status.ACTIVE if approve else InstalmentPlan.Status.DECLINED
        plan.decided_at = clock.now()
        plan.decided_by = actor.describe()
        plan.decision_reason = reason
        if approve:
            plan.total_pence = order_total_pence(plan.order)
            first = first_due_on or add_months(clock.today(), 1)
            amounts = allocate_pence(plan.total_pence, [1] * plan.number_of_instalments)
            Instalment.objects.bulk_create(
                [
                    Instalment(plan=plan, number=index + 1, due_on=add_months(first, index), amount_pence=amount)
                    for index, amount in enumerate(amounts)
                ]
            )
        plan.save(update_fields=["status", "decided_at", "decided_by", "decision_reason", "total_pence"])
        tell_customer(
            order=plan.order,
            kind="instalment_decision",
            subject=f"Your instalment plan for order {plan.order_id}",
            body=(
                f"Your instalment plan for order {plan.order_id} is approved: {plan.number_of_instalments} monthly "
                f"interest-free payments adding up to {format_pence(plan.total_pence)}, the first due "
                f"{first:%d %B %Y}."
                if approve
                else f"We cannot offer instalments for order {plan.order_id}. Please call us to pay another way."
            ),
            dedupe_key=f"instalment-decision:{plan.pk}",
        )
        return plan


def instalment_pay(*, instalment_id: int, reference: str, actor: Actor) -> Instalment:
    """An instalment arrived. The first makes the lines contracts (O3); the last is payment in full
    in cleared funds, which title waits for (O10).
    """
    with transaction.atomic(durable=True):
        order_lock(Instalment.objects.values_list("plan__order_id", flat=True).get(pk=instalment_id))  # payments.locks
        instalment = (
            Instalment.objects.select_for_update(of=("self",)).select_related("plan__order").get(pk=instalment_id)
        )
        plan = InstalmentPlan.objects.select_for_update().get(pk=instalment.plan_id)
        if instalment.paid_at or plan.status not in _LIVE:
            raise RuleViolation(errors.INSTALMENT_PLAN_STATE, "This instalment is paid or its plan is not live.")
        instalment.paid_at = clock.now()
        instalment.save(update_fields=["paid_at"])
        ledger_record(
            order_id=plan.order_id,
            kind=LedgerEntry.Kind.INSTALMENT,
            amount_pence=instalment.amount_pence,
            method="instalments",
            external_id=reference,
            reference=f"instalment {instalment.number} of {plan.number_of_instalments}",
            actor=actor,
        )
        unpaid = plan.instalments.filter(paid_at__isnull=True)
        first = not plan.instalments.filter(paid_at__isnull=False).exclude(pk=instalment.pk).exists()
        if not unpaid.exists():
            plan.status = InstalmentPlan.Status.COMPLETED
            plan.paid_in_full_at = clock.now()
        elif not unpaid.filter(due_on__lt=clock.today()).exists():
            plan.status = InstalmentPlan.Status.ACTIVE
        plan.save(update_fields=["status", "paid_in_full_at"])
        completed = plan.status == InstalmentPlan.Status.COMPLETED
        if first or completed:
            lines_accept(order=instalment.plan.order, funds_cleared=completed, actor=actor)
        return instalment


def _write_to(order: Order) -> tuple[str, str]:
    """M5 reminders go by the customer's preferred means: a text to their mobile number when they
    prefer SMS and gave one, otherwise a letter to their postal address (the order's delivery
    address when none is on file).
    """
    customer = order.customer
    if customer.preferred_contact == PreferredContact.SMS and customer.mobile_phone:
        return Message.Channel.SMS, str(customer.mobile_phone)
    address = customer_postal_address(customer=customer) or "\n".join(
        part for part in (order.delivery_name, order.delivery_address, order.delivery_postcode) if part
    )
    return Message.Channel.LETTER, address


def _remind(instalment: Instalment, *, kind: str, body: str) -> None:
    """One reminder per instalment and kind: the dedupe key makes a second run send nothing."""
    order = instalment.plan.order
    channel, recipient = _write_to(order)
    message_queue(
        channel=channel,
        kind=kind,
        recipient=recipient,
        customer=order.customer,
        subject=f"Your instalments for order {order.pk}",
        body=body,
        dedupe_key=f"{kind}:{instalment.pk}",
    )


def instalments_remind(*, actor: Actor) -> int:
    """Reminders from `MINT_INSTALMENT_REMINDER_DAYS` London days before each due date."""
    with transaction.atomic(durable=True):
        due = list(instalments_due_for_reminder(on=clock.today(), days_before=settings.MINT_INSTALMENT_REMINDER_DAYS))
        for instalment in due:
            plan = instalment.plan
            _remind(
                instalment,
                kind="instalment_reminder",
                body=(
                    f"Instalment {instalment.number} of {plan.number_of_instalments} for order {plan.order_id}, "
                    f"{format_pence(instalment.amount_pence)}, is due on {instalment.due_on:%d %B %Y}."
                ),
            )
        return len(due)


def instalments_mark_missed(*, actor: Actor) -> int:
    """Unpaid after its due (London) day: the instalment is missed, the plan in arrears, the customer
    told once. A second run finds nothing new.
    """
    with transaction.atomic(durable=True):
        missed = list(
            Instalment.objects.select_for_update(of=("self", "plan"))
            .filter(paid_at__isnull=True, missed_at__isnull=True, due_on__lt=clock.today(), plan__status__in=_LIVE)
            .select_related("plan__order__customer")
            .order_by("pk")
        )
        for instalment in missed:
            instalment.missed_at = clock.now()
            instalment.save(update_fields=["missed_at"])
            plan = instalment.plan
            if plan.status != InstalmentPlan.Status.IN_ARREARS:
                plan.status = InstalmentPlan.Status.IN_ARREARS
                plan.save(update_fields=["status"])
            _remind(
                instalment,
                kind="instalment_missed",
                body=(
                    f"We have not received instalment {instalment.number} for order {plan.order_id} "
                    f"({format_pence(instalment.amount_pence)}, due {instalment.due_on:%d %B %Y}). Please pay it now."
                ),
            )
        return len(missed)
