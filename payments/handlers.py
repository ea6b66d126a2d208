"""What payments do when orders tell them something (orders/hooks.py).

Each handler runs inside the orders service's transaction: it writes payments' own rows,
may refuse with RuleViolation (rolling the whole service back), and leaves Stripe calls
to run after the commit.
"""

from django.db import transaction

from mint_shop.actors import Actor, Channel
from mint_shop.errors import RuleViolation
from mint_shop.rows import row_create
from orders import hooks
from orders.models import PaymentMethod
from orders.services import PaymentRequest
from payments import errors
from payments.models import LedgerEntry, OrderPayment
from payments.selectors import order_money
from payments.services import card
from payments.services.instalments import (
    instalment_count_check,
    instalment_plan_apply,
    instalment_plan_assert_approved,
    instalment_plan_follow_order,
)
from payments.services.ledger import ledger_record
from payments.services.money_back import money_back_grant, order_money_settle_after_withdrawal
from promotions.selectors import redemptions_for_order


def _actor() -> Actor:
    return Actor.system()


def on_order_placed(*, order, payment: PaymentRequest | dict | None = None, lines=None, redemptions=None, **_) -> None:
    """M1, M2, M5, M9: the order's payment record, made once with its final values.

    Everything that can refuse is checked before anything is written, so a refusal leaves
    nothing behind without a savepoint; the writes join the caller's transaction.
    """
    payment = PaymentRequest.of(payment or {"method": order.payment_method})
    method = payment.method
    if method != order.payment_method or method not in PaymentMethod.values:
        raise RuleViolation(errors.METHOD_NOT_ACCEPTED, f"{method!r} is not how this order says it will be paid.")
    payment_method_id = card.card_payment_method_id(payment) if method == PaymentMethod.CARD else ""
    if method == PaymentMethod.INSTALMENTS:
        instalment_count_check(payment)
    with transaction.atomic(savepoint=False):
        order_payment = row_create(
            OrderPayment(
                order=order, method=method, reference=f"MINT-{order.pk}", stripe_payment_method_id=payment_method_id
            )
        )
        if method == PaymentMethod.CARD:
            card.card_authorisation_open(order_payment=order_payment, actor=_actor(), lines=lines)
        elif method == PaymentMethod.INSTALMENTS:
            instalment_plan_apply(order=order, payment=payment)
        _record_discounts(order=order, method=method, redemptions=redemptions)


def _record_discounts(*, order, method: str, redemptions=None) -> None:
    """M9: each promo code and referral reward used is money the mint gives; finance sees it in the ledger.

    `redemptions`: those the placement just recorded, when the caller has them.
    """
    for redemption in redemptions_for_order(order_id=order.pk) if redemptions is None else redemptions:
        amount = redemption.discount_pence + redemption.delivery_discount_pence
        if amount:
            ledger_record(
                order_id=order.pk,
                kind=LedgerEntry.Kind.DISCOUNT,
                amount_pence=amount,
                method=method,
                actor=_actor(),
                reference=redemption.label,
            )


def _is_card(order) -> bool:
    return order.payment_method == PaymentMethod.CARD and OrderPayment.objects.filter(order=order).exists()


def on_lines_allocated(*, order, lines, **_) -> None:
    """O5, M4: phone and postal card orders are captured when stock is allocated."""
    if _is_card(order) and order.channel in (Channel.PHONE, Channel.POST):
        card.card_take_for_lines(order=order, lines=list(lines), actor=_actor())


def on_lines_despatch_check(*, order, lines, **_) -> None:
    instalment_plan_assert_approved(order=order)
    card.card_assert_lines_payable(order=order, lines=list(lines))


def on_lines_despatched(*, order, lines, shipment=None, **_) -> None:
    """M4: capture from the live hold; lines it could not cover were charged before they left."""
    if _is_card(order):
        card.card_capture_despatched(order=order, lines=list(lines), actor=_actor())


def on_lines_withdrawn(*, order, lines, **_) -> None:
    """O4, O3: a hold for the lines is released, an instalment schedule follows what is still owed,
    and money already received settles against what is now due."""
    if _is_card(order):
        card.card_lines_withdrawn(order=order, lines=list(lines), actor=_actor())
    instalment_plan_follow_order(order=order)
    order_money_settle_after_withdrawal(order=order, actor=_actor())


def on_amount_due(*, order, **_) -> int | None:
    """O8: what the despatch confirmation says is due. A card order owes nothing: the despatch
    check let its lines go only when captured, charged or covered by the hold captured now."""
    order_payment = OrderPayment.objects.filter(order=order).first()
    if order_payment is None:
        return None
    if order_payment.method == PaymentMethod.CARD and not order_payment.invoice_chosen_at:
        return 0
    return order_money(order_id=order.pk)["outstanding_pence"]


def on_money_back_due(*, order, amount_pence, request_id, reason, reimbursement, **_) -> None:
    """P3's refund for paid lines of a withdrawn product, O12's return postage: granted in the
    order's own transaction (so no lost message can lose it), once per request id."""
    money_back_grant(
        order_id=order.pk,
        amount_pence=amount_pence,
        request_id=request_id,
        reason=reason,
        reimbursement=reimbursement,
        actor=_actor(),
    )


def register() -> None:
    hooks.register(hooks.ORDER_PLACED, on_order_placed)
    hooks.register(hooks.LINES_ALLOCATED, on_lines_allocated)
    hooks.register(hooks.LINES_DESPATCH_CHECK, on_lines_despatch_check)
    hooks.register(hooks.LINES_DESPATCHED, on_lines_despatched)
    hooks.register(hooks.LINES_WITHDRAWN, on_lines_withdrawn)
    hooks.register(hooks.MONEY_BACK_DUE, on_money_back_due)
    hooks.register(hooks.AMOUNT_DUE, on_amount_due)
