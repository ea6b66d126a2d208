"""Money back that no cancellation covers, asked for by orders (orders.hooks.MONEY_BACK_DUE):
a refund for paid lines of a product withdrawn from sale (P3), the return postage of items
sent in error (O12, a reimbursement like R3's); and money received before lines left the
order, settled against what is now due (O3, O4).
"""

import logging
from functools import partial

from django.db import transaction

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders.models import PaymentMethod
from orders.selectors import order_line_ids_live
from payments.models import Refund
from payments.selectors import order_money
from payments.services.acceptance import lines_accept
from payments.services.refunds import refund_grant
from payments.services.reimbursements import reimbursement_grant

logger = logging.getLogger(__name__)


def money_back_grant(
    *, order_id: int, amount_pence: int, request_id: str, reason: str, reimbursement: bool, actor: Actor
) -> Refund | None:
    """Grant it once per request id. A refund never exceeds what was taken less refunded (M8)."""
    if reimbursement:
        return reimbursement_grant(
            order_id=order_id, amount_pence=amount_pence, request_id=request_id, reason=reason, actor=actor
        )
    amount = min(amount_pence, order_money(order_id=order_id)["refundable_pence"])
    if amount <= 0:
        logger.warning("order %s: nothing refundable for %s", order_id, request_id)
        return None
    try:
        return refund_grant(order_id=order_id, amount_pence=amount, request_id=request_id, reason=reason, actor=actor)
    except RuleViolation as refusal:  # after the order's commit: finance sees it in the ledger, never a 5xx
        logger.error("order %s: refund %s refused: %s", order_id, request_id, refusal)
        return None


def order_money_settle_after_withdrawal(*, order, actor: Actor) -> None:
    """LINES_WITHDRAWN, inside the withdrawal's transaction (the order locked first).

    Money received in part (a transfer, a draft, a cheque cleared: the ledger's money in) is
    measured against what the order costs now. Enough for the kept lines makes them contracts
    in cleared funds (O3, O10). An order left with nothing to send, none of whose lines was ever
    paid for, gives it all back once after the commit (O4: a decline or withdrawal wins over
    money taken; M8). Paid lines come back through their own cancellation or P3's refund, and
    card holds and instalment schedules have their own paths.
    """
    if order.payment_method in (PaymentMethod.CARD, PaymentMethod.INSTALMENTS):
        return
    money = order_money(order_id=order.pk)
    if money["taken_pence"] == 0:
        return
    if order_line_ids_live(order_id=order.pk):
        if money["outstanding_pence"] == 0:
            lines_accept(order=order, funds_cleared=True, actor=actor)
        return
    if order.lines.filter(paid_at__isnull=False).exists() or order.shipments.exists():
        return
    transaction.on_commit(
        partial(
            money_back_grant,
            order_id=order.pk,
            amount_pence=money["refundable_pence"],
            request_id=f"order-ended-{order.pk}",
            reason="the order ended before any line was paid for in full (O3, O4)",
            reimbursement=False,
            actor=actor,
        )
    )
