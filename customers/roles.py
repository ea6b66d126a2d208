"""Which of customers' permissions each staff role holds (collected by mint_shop/roles.py).

Customer service registers and keeps the record, the contact log and call recordings;
compliance restricts, checks, asks for source of funds and verifies representatives.
Evidence documents are seen only with `view_due_diligence` (C4).
"""

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": [
        "customers.view_customer",
        "customers.add_customer",
        "customers.change_customer",
        "customers.mark_customer_deceased",
        "customers.view_deliveryaddress",
        "customers.add_deliveryaddress",
        "customers.change_deliveryaddress",
        "customers.delete_deliveryaddress",
        "customers.view_restriction",
        "customers.view_contactlogentry",
        "customers.add_contactlogentry",
        "customers.view_callrecording",
        "customers.add_callrecording",
        "customers.change_callrecording",
        "customers.view_recordingpause",
        "customers.add_recordingpause",
        "customers.view_representative",
        "customers.add_representative",
        "customers.add_evidencedocument",
        "customers.view_apiaccessrevocation",
        "customers.revoke_api_access",  # issue 14: end a customer's API tokens and sessions
    ],
    # Finance reads the customer a refund or payout goes to.
    "finance": ["customers.view_customer"],
    "compliance": [
        "customers.view_customer",
        "customers.restrict_customer",
        "customers.view_due_diligence",
        "customers.mark_customer_deceased",
        "customers.view_restriction",
        "customers.view_duediligencecheck",
        "customers.add_duediligencecheck",
        "customers.change_duediligencecheck",
        "customers.view_evidencedocument",
        "customers.add_evidencedocument",
        "customers.view_sourceoffundsrequest",
        "customers.add_sourceoffundsrequest",
        "customers.change_sourceoffundsrequest",
        "customers.view_representative",
        "customers.verify_representative",
        "customers.view_contactlogentry",
        "customers.view_callrecording",
        "customers.view_apiaccessrevocation",
        "customers.revoke_api_access",
    ],
}
