"""Money back that no cancellation covers, asked for by orders (orders.hooks.MONEY_BACK_DUE):
a refund for paid lines of a product withdrawn from sale (P3), the return postage of items
sent in error (O12, a reimbursement like R3's).

Granted inside the orders service's transaction, so what is owed is written with the change
that owes it: a card refund's Stripe call is then a card operation the retry sweep finds, a
payout waits in finance's queue, and nothing rides on work after the commit.
"""

import logging

from django.db import transaction

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from payments.models import Refund
from payments.selectors import order_money
from payments.services.refunds import refund_grant_in_transaction
from payments.services.reimbursements import reimbursement_grant_in_transaction

logger = logging.getLogger(__name__)


def money_back_grant(
    *, order_id: int, amount_pence: int, request_id: str, reason: str, reimbursement: bool, actor: Actor
) -> Refund | None:
    """Grant it once per request id. A refund never exceeds what was taken less refunded (M8)."""
    if reimbursement:
        return reimbursement_grant_in_transaction(
            order_id=order_id, amount_pence=amount_pence, request_id=request_id, reason=reason, actor=actor
        )
    amount = min(amount_pence, order_money(order_id=order_id)["refundable_pence"])
    if amount <= 0:
        logger.warning("order %s: nothing refundable for %s", order_id, request_id)
        return None
    try:
        with transaction.atomic():  # a savepoint: a refused refund leaves the withdrawal itself standing
            return refund_grant_in_transaction(
                order_id=order_id, amount_pence=amount, request_id=request_id, reason=reason, actor=actor
            )
    except RuleViolation as refusal:
        logger.error("order %s: refund %s refused: %s", order_id, request_id, refusal)
        return None
