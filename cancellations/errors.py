"""The cancellation and refund rules (DOMAIN.md R1–R8, and C5's cancellation) that services refuse by."""

from mint_shop.errors import Rule

ORDER_UNKNOWN = Rule("order_unknown", "R1", 404)
NO_LINES = Rule("no_lines_named", "R1", 400)
LINE_UNKNOWN = Rule("line_unknown", "R1", 400)
LINE_ALREADY_CANCELLED = Rule("line_already_cancelled", "R1", 409)
COOLING_OFF_EXPIRED = Rule("cooling_off_expired", "R1", 409)
NOTICE_DATE_INVALID = Rule("notice_date_invalid", "R2", 400)
RETURN_LINE_UNKNOWN = Rule("return_line_unknown", "R3", 404)
RETURN_ALREADY_RECEIVED = Rule("return_already_received", "R3", 409)
RETURN_CONDITION_INVALID = Rule("return_condition_invalid", "R3", 400)
RETURN_POSTAGE_NOT_OURS = Rule("return_postage_not_ours", "R3", 409)
REFUND_NOT_DUE = Rule("refund_not_due", "R5", 409)
NOT_CANCELLABLE = Rule("not_cancellable_unless_faulty", "R6", 409)
FAULT_LINE_NOT_DELIVERED = Rule("fault_line_not_delivered", "R7", 409)
FAULT_CLAIM_DECIDED = Rule("fault_claim_already_decided", "R7", 409)
FAULT_CLAIM_OPEN = Rule("fault_claim_already_made", "R7", 409)
FAULT_DECISION_INVALID = Rule("fault_decision_invalid", "R7", 400)
REMEDY_IS_CUSTOMERS_CHOICE = Rule("remedy_is_customers_choice", "R7", 409)
