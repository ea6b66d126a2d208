"""Instalments on the mint's interest-free account (M5): a status decision, a monthly
schedule, reminders before each due date, missed payments and arrears, title after the last.
"""

import calendar
import datetime as dt

from django.conf import settings
from django.db import transaction

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from mint_shop.money import allocate_pence, format_pence
from notifications.services import message_queue
from orders.money import order_total_pence
from orders.services import PaymentRequest, tell_customer
from payments import errors
from payments.models import Instalment, InstalmentPlan, LedgerEntry
from payments.selectors import instalments_due_for_reminder
from payments.services.acceptance import lines_accept_after_commit
from payments.services.ledger import ledger_record


def instalment_plan_apply(*, order, payment: PaymentRequest) -> InstalmentPlan:
    """The customer asks to pay by instalments (inside the order-placing transaction)."""
    count = payment.number_of_instalments
    if not isinstance(count, int) or not 2 <= count <= settings.MINT_INSTALMENT_MAX_COUNT:
        raise RuleViolation(
            errors.INSTALMENTS_INVALID,
            f"number_of_instalments must be a whole number from 2 to {settings.MINT_INSTALMENT_MAX_COUNT}.",
        )
    channel = payment.reminder_channel or InstalmentPlan.Reminder.LETTER
    if channel not in InstalmentPlan.Reminder.values:
        raise RuleViolation(errors.INSTALMENTS_INVALID, "Reminders go by sms or letter.")
    return InstalmentPlan.objects.create(
        order=order, number_of_instalments=count, reminder_channel=channel, total_pence=order_total_pence(order)
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def instalment_plan_decide(
    *, plan_id: int, approve: bool, reason: str, actor: Actor, first_due_on: dt.date | None = None
) -> InstalmentPlan:
    """The status decision: approve (and schedule monthly instalments) or decline."""
    with transaction.atomic(durable=True):
        plan = InstalmentPlan.objects.select_for_update(of=("self",)).select_related("order__customer").get(pk=plan_id)
        if plan.status != InstalmentPlan.Status.APPLIED:
            raise RuleViolation(errors.INSTALMENT_PLAN_STATE, f"The plan was already decided ({plan.status}).")
        plan.status = InstalmentPlan.Status.ACTIVE if approve else InstalmentPlan.Status.DECLINED
        plan.decided_at = clock.now()
        plan.decided_by = actor.describe()
        plan.decision_reason = reason
        plan.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        if approve:
            first = first_due_on or add_months(clock.today(), 1)
            amounts = allocate_pence(plan.total_pence, [1] * plan.number_of_instalments)
            Instalment.objects.bulk_create(
                [
                    Instalment(plan=plan, number=index + 1, due_on=add_months(first, index), amount_pence=amount)
                    for index, amount in enumerate(amounts)
                ]
            )
        tell_customer(
            order=plan.order,
            kind="instalment_decision",
            subject=f"Your instalment plan for order {plan.order_id}",
            body=(
                f"Your instalment plan for order {plan.order_id} is approved: {plan.number_of_instalments} monthly "
                f"payments, the first due {first:%d %B %Y}."
                if approve
                else f"We cannot offer instalments for order {plan.order_id}. Please call us to pay another way."
            ),
            dedupe_key=f"instalment-decision:{plan.pk}",
        )
        return plan


def instalment_pay(*, instalment_id: int, reference: str, actor: Actor) -> Instalment:
    """An instalment arrived. The first makes the lines contracts; the last lets title pass (O10)."""
    with transaction.atomic(durable=True):
        instalment = (
            Instalment.objects.select_for_update(of=("self",)).select_related("plan__order").get(pk=instalment_id)
        )
        plan = InstalmentPlan.objects.select_for_update().get(pk=instalment.plan_id)
        if instalment.paid_at or plan.status not in (InstalmentPlan.Status.ACTIVE, InstalmentPlan.Status.IN_ARREARS):
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
        if not plan.instalments.filter(paid_at__isnull=False).exclude(pk=instalment.pk).exists():
            lines_accept_after_commit(order=instalment.plan.order, actor=actor)
        if not unpaid.exists():
            plan.status = InstalmentPlan.Status.COMPLETED
            plan.paid_in_full_at = clock.now()
        elif not unpaid.filter(due_on__lt=clock.today()).exists():
            plan.status = InstalmentPlan.Status.ACTIVE
        plan.save(update_fields=["status", "paid_in_full_at"])
        return instalment


def instalments_remind(*, actor: Actor) -> int:
    """SMS or letter reminders before each due date; the dedupe key makes a second run send nothing."""
    with transaction.atomic(durable=True):
        due = list(instalments_due_for_reminder(on=clock.today(), days_before=settings.MINT_INSTALMENT_REMINDER_DAYS))
        for instalment in due:
            plan = instalment.plan
            customer = plan.order.customer
            by_sms = plan.reminder_channel == InstalmentPlan.Reminder.SMS and customer.phone
            message_queue(
                channel="sms" if by_sms else "letter",
                kind="instalment_reminder",
                recipient=str(customer.phone)
                if by_sms
                else f"{customer.first_name} {customer.last_name}, {customer.postcode}",
                customer=customer,
                body=(
                    f"Instalment {instalment.number} of {plan.number_of_instalments} for order {plan.order_id}, "
                    f"{format_pence(instalment.amount_pence)}, is due on {instalment.due_on:%d %B %Y}."
                ),
                dedupe_key=f"instalment-reminder:{instalment.pk}",
            )
        return len(due)


def instalments_mark_missed(*, actor: Actor) -> int:
    """Past its due date unpaid: the instalment is missed, the plan in arrears, the customer told."""
    with transaction.atomic(durable=True):
        missed = list(
            Instalment.objects.select_for_update()
            .filter(paid_at__isnull=True, missed_at__isnull=True, due_on__lt=clock.today())
            .filter(plan__status__in=[InstalmentPlan.Status.ACTIVE, InstalmentPlan.Status.IN_ARREARS])
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
            customer = plan.order.customer
            message_queue(
                channel="letter",
                kind="instalment_missed",
                recipient=f"{customer.first_name} {customer.last_name}, {customer.postcode}",
                customer=customer,
                body=(
                    f"We have not received instalment {instalment.number} for order {plan.order_id} "
                    f"({format_pence(instalment.amount_pence)}, due {instalment.due_on:%d %B %Y}). Please pay it now."
                ),
                dedupe_key=f"instalment-missed:{instalment.pk}",
            )
        return len(missed)
