"""Writes for orders: one public function per use case, keyword-only arguments, one transaction.

Payments calls `order_lines_accept_by_payment` and `order_lines_unaccept_by_payment` (hooks.py).
Cancellations, above orders, call `order_lines_end_by_cancellation` and `tell_customer` inside
their own transactions rather than writing orders' rows themselves.
"""

from orders.services._common import stock_apply, stock_lock, tell_customer
from orders.services.contract_end import order_line_add_remedy, order_lines_end_by_cancellation
from orders.services.delays import orders_notify_delays
from orders.services.despatch import (
    order_despatch,
    shipment_record_delivery,
    shipment_record_sent_in_error,
    shipment_report_non_receipt,
)
from orders.services.lifecycle import (
    order_decline,
    order_lines_accept_by_payment,
    order_lines_allocate,
    order_lines_cancel,
    order_lines_unaccept_by_payment,
    order_part_despatch_request,
)
from orders.services.placing import DeliveryRequest, LineRequest, idempotency_key_check, order_place
from orders.services.prices import order_price_change_propose, order_price_change_respond
from orders.services.review import customer_orders_review_complete

__all__ = [
    "DeliveryRequest",
    "LineRequest",
    "customer_orders_review_complete",
    "idempotency_key_check",
    "order_decline",
    "order_despatch",
    "order_line_add_remedy",
    "order_lines_accept_by_payment",
    "order_lines_allocate",
    "order_lines_cancel",
    "order_lines_end_by_cancellation",
    "order_lines_unaccept_by_payment",
    "order_part_despatch_request",
    "order_place",
    "order_price_change_propose",
    "order_price_change_respond",
    "orders_notify_delays",
    "shipment_record_delivery",
    "shipment_record_sent_in_error",
    "shipment_report_non_receipt",
    "stock_apply",
    "stock_lock",
    "tell_customer",
]
