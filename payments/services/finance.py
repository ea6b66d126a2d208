"""Third-party finance (M6): the application to the lender, what personal data went to it
and when (a sharing record for D9), the lender's decision, and its settlement.
"""

from django.db import transaction

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders.models import Order
from payments import errors
from payments.amounts import order_total_pence
from payments.models import FinanceApplication, LedgerEntry
from payments.selectors import order_money
from payments.services.acceptance import lines_accept_after_commit
from payments.services.ledger import ledger_record

# What the privacy notice (000) says goes to the lender for its credit assessment.
DATA_SENT_TO_LENDER = ["name", "address", "contact details", "order details"]


def finance_application_submit(*, order_id: int, lender: str, actor: Actor) -> FinanceApplication:
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.payment_method != "finance":
            raise RuleViolation(errors.METHOD_NOT_ACCEPTED, f"Order {order_id} is not paid by third-party finance.")
        return FinanceApplication.objects.create(
            order=order,
            lender=lender,
            amount_pence=order_total_pence(order),
            data_shared=DATA_SENT_TO_LENDER,
            shared_at=clock.now(),
            shared_by=actor.describe(),
        )


def finance_application_decide(
    *, application_id: int, approved: bool, lender_reference: str, actor: Actor
) -> FinanceApplication:
    """Record the lender's decision (the lender decides, not the mint)."""
    with transaction.atomic(durable=True):
        application = FinanceApplication.objects.select_for_update().get(pk=application_id)
        if application.status != FinanceApplication.Status.SUBMITTED:
            raise RuleViolation(errors.FINANCE_APPLICATION_STATE, f"The lender already decided ({application.status}).")
        application.status = FinanceApplication.Status.APPROVED if approved else FinanceApplication.Status.DECLINED
        application.lender_reference = lender_reference
        application.decided_at = clock.now()
        application.save(update_fields=["status", "lender_reference", "decided_at"])
        return application


def finance_settlement_record(*, application_id: int, amount_pence: int, actor: Actor) -> FinanceApplication:
    """The lender paid the mint: money taken, so the lines become contracts (O3)."""
    with transaction.atomic(durable=True):
        application = (
            FinanceApplication.objects.select_for_update(of=("self",)).select_related("order").get(pk=application_id)
        )
        if application.status != FinanceApplication.Status.APPROVED:
            raise RuleViolation(errors.FINANCE_APPLICATION_STATE, "Only an approved application is settled.")
        application.status = FinanceApplication.Status.SETTLED
        application.save(update_fields=["status"])
        ledger_record(
            order_id=application.order_id,
            kind=LedgerEntry.Kind.FINANCE_SETTLEMENT,
            amount_pence=amount_pence,
            method="finance",
            external_id=application.lender_reference,
            reference=f"settlement from {application.lender}",
            actor=actor,
        )
        cleared = order_money(order_id=application.order_id)["outstanding_pence"] == 0
        lines_accept_after_commit(order=application.order, funds_cleared=cleared, actor=actor)
        return application
