"""Orders' `personal_data` provider (D6, D7, D9): delivery names and addresses, engraving, reports.

Orders themselves stay six years for HMRC (D5, D7): their amounts, lines and dates are kept and
the person's details scrubbed. An order still open cannot be erased yet: the customer may still
cancel it, so erasure waits until it is complete and its cooling-off period has ended.
"""

from dateutil.relativedelta import relativedelta

from mint_shop.personal_data import ERASED, Note, Provider, Shared, Wait, label, register, rows, scrub
from orders.models import NonReceiptReport, Order, OrderEvent, OrderLine, SentInError, Shipment


def export(customer_id: int) -> dict[str, list[dict]]:
    orders = Order.objects.filter(customer_id=customer_id)
    return {
        "orders": rows(orders, ("channel", "status", "placed_at", "delivery_name", "delivery_address",
                                "delivery_postcode", "delivery_country", "confirmation_email", "delivery_pence",
                                "decline_reason")),
        "order_lines": rows(OrderLine.objects.filter(order__in=orders),
                            ("order_id", "product__name", "quantity", "unit_price_pence", "engraving_text")),
        "shipments": rows(Shipment.objects.filter(order__in=orders),
                          ("order_id", "carrier", "tracking_number", "despatched_at", "delivered_at",
                           "delivery_evidence", "evidence_reference")),
        "non_receipt_reports": rows(NonReceiptReport.objects.filter(order__in=orders), ("reported_at", "details")),
        "sent_in_error": rows(SentInError.objects.filter(shipment__order__in=orders), ("description", "remedy")),
    }


def erase(customer_id: int, *, actor, today, keep_months) -> list[Note]:
    orders = Order.objects.filter(customer_id=customer_id)
    order_ids = list(orders.values_list("pk", flat=True))
    scrub(Order, order_ids, {"delivery_name": ERASED, "delivery_address": ERASED, "delivery_postcode": "",
                             "confirmation_email": "", "decline_reason": ""})
    scrub(OrderLine, OrderLine.objects.filter(order_id__in=order_ids).exclude(engraving_text="")
          .values_list("pk", flat=True), {"engraving_text": ERASED})
    scrub(Shipment, Shipment.objects.filter(order_id__in=order_ids).values_list("pk", flat=True),
          {"evidence_reference": ""})
    scrub(NonReceiptReport, NonReceiptReport.objects.filter(order_id__in=order_ids).values_list("pk", flat=True),
          {"details": ""})
    scrub(SentInError, SentInError.objects.filter(shipment__order_id__in=order_ids).values_list("pk", flat=True),
          {"description": ERASED})
    months = keep_months["financial_records"]
    return [Note(label(Order, pk), "kept", "order, lines, prices and dates: HMRC (6 years); name and address erased",
                 placed.date() + relativedelta(months=months))
            for pk, placed in orders.values_list("pk", "placed_at")]


def waits(customer_id: int, *, today) -> list[Wait]:
    return [Wait(record=label(Order, pk), reason="open order: kept until it is complete and its cooling-off "
                                               "period has ended")
            for pk in Order.objects.filter(customer_id=customer_id, status=Order.Status.PLACED)
            .values_list("pk", flat=True)]


def sharing(customer_id: int | None) -> list[Shared]:
    shipments = Shipment.objects.select_related("order")
    if customer_id is not None:
        shipments = shipments.filter(order__customer_id=customer_id)
    return [Shared(customer_id=s.order.customer_id, recipient=s.carrier, recipient_kind="courier",
                   what="delivery name and address", purpose="orders", shared_at=s.despatched_at)
            for s in shipments]


def provider_register() -> None:
    register(Provider(app="orders", models=(Order, OrderLine, Shipment, NonReceiptReport, SentInError, OrderEvent),
                      export=export, erase=erase, waits=waits, sharing=sharing))
