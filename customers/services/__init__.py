"""Writes for customers: one public function per use case, keyword-only arguments, one transaction.

Split by subject; every public service is importable from `customers.services`.
"""

from customers.services.accounts import (
    customer_details_change_locked,
    customer_mark_deceased,
    customer_open_orders_review_complete,
    customer_register,
    customer_register_online,
    customer_restrict,
    customer_restriction_lift,
    customer_update_details,
    delivery_address_add,
    delivery_address_remove,
    delivery_address_update,
)
from customers.services.api_access import api_access_revoke, customer_api_access_revoke
from customers.services.contacts import (
    call_recording_pause_record,
    call_recording_record,
    call_recording_transcript_transfer_record,
    call_recordings_purge_expired,
    contact_log_record,
)
from customers.services.due_diligence import (
    due_diligence_check_create,
    due_diligence_check_update,
    evidence_document_add,
    source_of_funds_decide,
    source_of_funds_record_order_cancelled,
    source_of_funds_request_create,
)
from customers.services.representatives import (
    representative_register,
    representative_revoke,
    representative_verify,
)
from customers.services.staff_totp import staff_totp_enrol

__all__ = [
    "api_access_revoke",
    "customer_api_access_revoke",
    "call_recording_pause_record",
    "call_recording_record",
    "call_recording_transcript_transfer_record",
    "call_recordings_purge_expired",
    "contact_log_record",
    "customer_mark_deceased",
    "customer_open_orders_review_complete",
    "customer_register",
    "customer_register_online",
    "customer_restrict",
    "customer_restriction_lift",
    "customer_details_change_locked",
    "customer_update_details",
    "delivery_address_add",
    "delivery_address_remove",
    "delivery_address_update",
    "due_diligence_check_create",
    "due_diligence_check_update",
    "evidence_document_add",
    "representative_register",
    "representative_revoke",
    "representative_verify",
    "source_of_funds_decide",
    "source_of_funds_record_order_cancelled",
    "source_of_funds_request_create",
    "staff_totp_enrol",
]
