"""Writes for cancellations, returns and refunds: one public function per use case, keyword-only, `actor=`."""

from cancellations.services.cancelling import CancellationOutcome, cancellation_request, source_of_funds_orders_cancel
from cancellations.services.faults import fault_claim_decide, fault_claim_open
from cancellations.services.refunds import cancellation_refund_grant, refund_deadlines_flag
from cancellations.services.returns import goods_return_record

__all__ = [
    "CancellationOutcome",
    "cancellation_refund_grant",
    "cancellation_request",
    "fault_claim_decide",
    "fault_claim_open",
    "goods_return_record",
    "refund_deadlines_flag",
    "source_of_funds_orders_cancel",
]
