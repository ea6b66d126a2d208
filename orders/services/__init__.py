"""Writes for orders: one public function per use case, keyword-only arguments, one transaction.

Orders own their lines (DESIGN.md): payments call `order_lines_accept_by_payment` and
`order_lines_unaccept_by_payment` (hooks.py); cancellations withdraw lines before a contract
(`order_lines_cancel`) and end contracts (`order_lines_end_by_cancellation`) inside their own
transactions; every app writes to a customer about an order through `tell_customer`.
"""

from orders.services._common import tell_customer
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
from orders.services.placing import (
    DeliveryRequest,
    LineRequest,
    PaymentRequest,
    idempotency_key_check,
    order_place,
)
from orders.services.prices import order_price_change_propose, order_price_change_respond
from orders.services.review import customer_orders_review_complete

__all__ = [
    "DeliveryRequest",
    "LineRequest",
    "PaymentRequest",
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
    "tell_customer",
]
