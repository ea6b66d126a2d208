"""Which right lets a line be cancelled, its last day, and what the refund is made of (R1, R2, R4, R6, R8).

Pure reads over loaded rows, shared by the services (which refuse) and the customer's list of
cancellable lines (which shows the last day), so both always agree.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from cancellations import errors
from cancellations.models import Cancellation
from mint_shop import clock
from mint_shop.errors import RuleViolation
from orders.models import Order, OrderLine
from orders.money import line_goods_pence

# Before a contract there is nothing to cancel: the line is simply withdrawn from the offer (O3).
WITHDRAW = "withdraw"


@dataclass(frozen=True)
class LineRight:
    line: OrderLine
    right: str  # WITHDRAW or a Cancellation.Right
    last_day: dt.date | None  # R1's last day; None until delivered, or when another right applies

    @property
    def to_come_back(self) -> bool:
        return self.line.shipment_id is not None


def delivered_on(line: OrderLine) -> dt.date | None:
    shipment = line.shipment
    return clock.london_date(shipment.delivered_at) if shipment and shipment.delivered_at else None


def cooling_off_last_day(delivered: dt.date) -> dt.date:
    """R1: 14 days beginning the day after the customer received the goods, in London dates."""
    return clock.days_after(delivered, settings.MINT_COOLING_OFF_DAYS)


def exception_reason(line: OrderLine) -> str:
    """R6 / P6, by the line: priced by the bullion market, or engraved for this customer; "" when
    cooling-off applies. A sealed product is ordinary until its seal comes back broken (`seal_reason`)."""
    if line.product.bullion_priced:
        return line.product.not_cancellable_reason
    if line.personalised:
        return "Personalised products cannot be cancelled unless faulty."
    return ""


def seal_reason(line: OrderLine) -> str:
    """P6: a hygiene-sealed product returned with its seal broken is not taken back unless faulty."""
    if line.product.hygiene_sealed:
        return "Hygiene-sealed products returned unsealed cannot be cancelled unless faulty."
    return ""


def line_right(line: OrderLine, *, notice_on: dt.date, cancelled_ids: set[int], faulty_ids: set[int]) -> LineRight:
    """The right under which the customer may cancel this line by a notice sent on `notice_on` (R2),
    or the rule refusing it. `faulty_ids`: lines an examination found faulty (R7)."""
    if not line.live or line.pk in cancelled_ids:
        raise RuleViolation(errors.LINE_ALREADY_CANCELLED, f"Line {line.pk} is already cancelled.")
    if line.accepted_at is None and line.shipment_id is None:
        return LineRight(line, WITHDRAW, None)
    delivered = delivered_on(line)
    if delivered is None and (line.delay_notified_at or (line.promised_by and line.promised_by < notice_on)):
        # R8: this line's promise was missed (or the customer told it would be, O6); it may go, whatever
        # the product. The right comes from the delay, not from the daily notice having gone yet.
        return LineRight(line, Cancellation.Right.DELAY, None)
    reason = exception_reason(line)
    if reason and line.pk not in faulty_ids:
        raise RuleViolation(errors.NOT_CANCELLABLE, f"Line {line.pk}: {reason}")
    if delivered is None:
        # Cancelling before delivery is allowed; the 14 days have not begun.
        return LineRight(line, Cancellation.Right.COOLING_OFF, None)
    last_day = cooling_off_last_day(delivered)
    if notice_on > last_day:
        raise RuleViolation(
            errors.COOLING_OFF_EXPIRED,
            f"Line {line.pk} was delivered on {delivered:%d %B %Y}; the last day to cancel was {last_day:%d %B %Y}.",
        )
    return LineRight(line, Cancellation.Right.COOLING_OFF, last_day)


@dataclass(frozen=True)
class RefundPieces:
    """R4: what the refund is made of; `refund_pence` is always the sum of the pieces."""

    goods_pence: int
    discount_pence: int
    delivery_pence: int
    return_postage_pence: int = 0
    not_paid_pence: int = 0

    @property
    def refund_pence(self) -> int:
        return (
            self.goods_pence
            - self.discount_pence
            + self.delivery_pence
            + self.return_postage_pence
            - self.not_paid_pence
        )

    def as_fields(self) -> dict:
        return {
            "goods_pence": self.goods_pence,
            "discount_pence": self.discount_pence,
            "delivery_pence": self.delivery_pence,
            "return_postage_pence": self.return_postage_pence,
            "not_paid_pence": self.not_paid_pence,
            "refund_pence": self.refund_pence,
        }


def delivery_refund_pence(*, order: Order, right: str, whole_order_ends: bool) -> int:
    """The delivery charge comes back only with the last live lines of the order (CCR 2013 reg. 34(2)).

    A change of mind (R1) returns the standard charge, never the premium supplement nor the
    second parcel the customer chose to have (O7), both dearer than standard delivery (R4);
    when the fault is ours (a missed promise R8, faulty goods R7, or our cancellation C5), all
    delivery comes back, the part-despatch charge included.
    """
    if not whole_order_ends:
        return 0
    if right == Cancellation.Right.COOLING_OFF:
        return order.delivery_pence - order.delivery_supplement_pence
    return order.delivery_pence + order.part_despatch_charge_pence


def refund_pieces(*, order: Order, lines: list[OrderLine], right: str, whole_order_ends: bool) -> RefundPieces:
    return RefundPieces(
        goods_pence=sum(line_goods_pence(line) for line in lines),
        discount_pence=sum(line.discount_pence for line in lines),
        delivery_pence=delivery_refund_pence(order=order, right=right, whole_order_ends=whole_order_ends),
    )
