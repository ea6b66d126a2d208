"""Which of the cancellation permissions each staff role holds (collected by mint_shop/roles.py).

Customer service records notices that came by letter or email, returns as they arrive and
faulty-goods claims with their examination; finance works the refund queue and exports it.
"""

_READ = [
    "cancellations.view_cancellation",
    "cancellations.view_cancellationline",
    "cancellations.view_goodsreturn",
    "cancellations.view_faultclaim",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": [
        *_READ,
        "cancellations.record_notice",
        "cancellations.record_return",
        "cancellations.add_faultclaim",
        "cancellations.examine_fault_claim",
    ],
    "warehouse": [*_READ, "cancellations.record_return"],
    "finance": [*_READ, "cancellations.work_refund_queue"],
    "compliance": list(_READ),
}
