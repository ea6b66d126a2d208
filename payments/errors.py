"""The payment rules (DOMAIN.md M1–M10) that services refuse by."""

from mint_shop.errors import Rule

METHOD_NOT_ACCEPTED = Rule("payment_method_not_accepted", "M1", 400)
CARD_DETAILS_REFUSED = Rule("card_details_not_accepted", "M2", 400)
PAYMENT_METHOD_ID_REQUIRED = Rule("stripe_payment_method_id_required", "M2", 400)
AUTHORISATION_NOT_CAPTURABLE = Rule("authorisation_not_capturable", "M4", 409)
CAPTURE_ABOVE_AUTHORISED = Rule("capture_above_authorised", "M4", 409)
PAYMENT_HELD = Rule("payment_held", "M3", 409)
NOT_HELD = Rule("payment_not_held", "M3", 409)
INSTALMENT_PLAN_STATE = Rule("instalment_plan_state", "M5", 409)
INSTALMENTS_INVALID = Rule("instalments_invalid", "M5", 400)
FINANCE_APPLICATION_STATE = Rule("finance_application_state", "M6", 409)
UNKNOWN_ORDER_REFERENCE = Rule("unknown_order_reference", "M7", 404)
CHEQUE_STATE = Rule("cheque_state", "M7", 409)
REFUND_ABOVE_REFUNDABLE = Rule("refund_above_refundable", "M8", 409)
REFUND_REASON_REQUIRED = Rule("refund_reason_required", "M8", 400)
REFUND_MEANS_UNAVAILABLE = Rule("refund_means_unavailable", "M8", 409)
REFUND_NOT_PENDING_PAYOUT = Rule("refund_not_pending_payout", "M8", 409)
REFUND_REQUEST_REUSED = Rule("refund_request_id_reused", "M8", 409)
STATEMENT_INVALID = Rule("statement_invalid", "M9", 400)
WEBHOOK_SIGNATURE_INVALID = Rule("webhook_signature_invalid", "M10", 400)
