"""Orders paid, despatched and delivered through the real services, so cancellations see real state."""

import datetime as dt

import time_machine

from mint_shop.actors import Actor
from mint_shop.money import allocate_pence
from orders.models import OrderLine
from orders.services import (
    DeliveryRequest,
    order_despatch,
    order_lines_allocate,
    order_part_despatch_request,
    shipment_record_delivery,
)
from payments.selectors import order_money
from payments.services.receipts import bank_receipt_record
from tests.orders.factories import ADDRESS, place_order

PREMIUM = DeliveryRequest(
    option_code="uk-premium", name="Ada Lovelace", address="1 Mint Street, London", postcode="SW1A 1AA"
)
WAREHOUSE = Actor.system()


def paid_order(commit, customer, *items, discount_pence=0, delivery=ADDRESS, method="bank_transfer", paid=True):
    """Place an order (bank transfer), spread a promo discount over its lines (X2), and pay it in full."""
    with commit():
        order = place_order(customer, *items, method=method, delivery=delivery)
    if discount_pence:
        lines = list(order.lines.order_by("pk"))
        shares = allocate_pence(discount_pence, [line.quantity * line.unit_price_pence for line in lines])
        for line, share in zip(lines, shares, strict=True):
            line.discount_pence = share
        OrderLine.objects.bulk_update(lines, ["discount_pence"])
    if paid:
        with commit():
            bank_receipt_record(
                reference=f"MINT-{order.pk}",
                amount_pence=order_money(order_id=order.pk)["outstanding_pence"],
                received_on=dt.date.today(),
                method="bank_transfer",
                actor=WAREHOUSE,
            )
    order.refresh_from_db()
    return order


def deliver(commit, order, lines=None, *, delivered_at: dt.datetime | None = None):
    """Allocate, despatch and deliver some (a part despatch) or all of the order's live lines."""
    everything = list(order.lines.filter(withdrawn_at__isnull=True).order_by("pk"))
    lines = lines or everything
    if len(lines) < len(everything):
        order_part_despatch_request(order_id=order.pk, actor=WAREHOUSE)
    with commit():
        order_lines_allocate(order_id=order.pk, line_ids=[line.pk for line in lines], actor=WAREHOUSE)
        shipment = order_despatch(
            order_id=order.pk,
            line_ids=[line.pk for line in lines],
            carrier="Royal Mail",
            tracking_number="RM1",
            actor=WAREHOUSE,
        )
    if delivered_at is None:
        shipment_record_delivery(
            shipment_id=shipment.pk, evidence="signature", reference="A. Lovelace", actor=WAREHOUSE
        )
    else:
        with time_machine.travel(delivered_at, tick=False):
            shipment_record_delivery(
                shipment_id=shipment.pk, evidence="signature", reference="A. Lovelace", actor=WAREHOUSE
            )
    order.refresh_from_db()
    return shipment
