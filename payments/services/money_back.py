"""Money back that no cancellation covers, asked for by orders (orders.hooks.MONEY_BACK_DUE):
a refund for paid lines of a product withdrawn from sale (P3), the return postage of items
sent in error (O12, a reimbursement like R3's).
"""

import logging

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from payments.models import Refund
from payments.selectors import order_money
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
