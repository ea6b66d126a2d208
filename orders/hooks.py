"""What orders tell payments: the one upward reach from orders (DESIGN.md, dependencies).

Orders sit below payments and never import them. Payments registers a handler for each
event in `PaymentsConfig.ready()`; orders call `notify(...)` at the named moments. Handlers
run inside the orders service's transaction, so they may write their own rows atomically
with the order, and may refuse by raising `RuleViolation` (the whole service then rolls
back). Calls to Stripe never happen in a handler: a handler schedules them with
`transaction.on_commit`. With no handler registered an event does nothing, so orders work
and test on their own.

Events and their keyword arguments:
- ORDER_PLACED(order, payment, lines, redemptions): the order and its lines exist; `payment`
  is the payment part of the request (`{"method": ..., "stripe_payment_method_id": ...}` and
  the like); `lines` the lines just written and `redemptions` the promotions' records of the
  codes and rewards used, so a handler need not read them again (None: read them).
- LINES_ALLOCATED(order, lines): stock allocated to these lines (O5); phone and postal card
  orders are captured now (M4).
- LINES_DESPATCH_CHECK(order, lines): about to despatch; payments refuses lines that are
  neither paid for nor covered by a live card hold (M3, M4: the saved card is charged first),
  and any line of a held payment, unless staff chose to invoice.
- LINES_DESPATCHED(order, lines, shipment): these lines have left (M4: capture them from the hold).
- LINES_WITHDRAWN(order, lines): lines leave the order before they left the warehouse
  (declined, withdrawn by the customer, price refused, cancelled, product withdrawn): release
  what was held for them (O4); the hold goes with the order's last live line.
- MONEY_BACK_DUE(order, amount_pence, request_id, reason, reimbursement): the mint owes the
  customer money back that no cancellation covers: a refund for paid lines of a product
  withdrawn from sale (P3), or the return postage of items sent in error (O12, a
  reimbursement). Payments grants it in the same transaction (a card refund's Stripe call
  then follows the commit as a swept card operation), once per request id.

And one question orders ask (`ask`, the first answer that is not None wins):
- AMOUNT_DUE(order) -> int | None: what the customer still owes on the order, delivery
  included (a card order whose lines are captured or covered by the hold owes nothing). The
  despatch confirmation states it (O8).

The other way, payments call orders' services directly: `order_lines_accept_by_payment`
(O3: payment taken makes the lines contracts) and `order_lines_unaccept_by_payment`
(a bounced cheque takes it back).
"""

from collections import defaultdict
from collections.abc import Callable

ORDER_PLACED = "order_placed"
LINES_ALLOCATED = "lines_allocated"
LINES_DESPATCH_CHECK = "lines_despatch_check"
LINES_DESPATCHED = "lines_despatched"
LINES_WITHDRAWN = "lines_withdrawn"
MONEY_BACK_DUE = "money_back_due"
AMOUNT_DUE = "amount_due"

EVENTS = {
    ORDER_PLACED,
    LINES_ALLOCATED,
    LINES_DESPATCH_CHECK,
    LINES_DESPATCHED,
    LINES_WITHDRAWN,
    MONEY_BACK_DUE,
    AMOUNT_DUE,
}

_handlers: dict[str, list[Callable]] = defaultdict(list)


def register(event: str, handler: Callable) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown orders event {event!r}")
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def notify(event: str, **kwargs) -> None:
    for handler in _handlers[event]:
        handler(**kwargs)


def ask(event: str, **kwargs):
    """The first registered handler's answer that is not None, or None when no handler knows."""
    for handler in _handlers[event]:
        answer = handler(**kwargs)
        if answer is not None:
            return answer
    return None
