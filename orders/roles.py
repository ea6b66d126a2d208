"""Which of orders' permissions each staff role holds (collected by mint_shop/roles.py).

Customer service keys phone and postal orders, declines offers and puts new prices to open
orders; the warehouse allocates, despatches, records delivery and items sent in error.
"""

_READ = [
    "orders.view_order",
    "orders.view_orderline",
    "orders.view_shipment",
    "orders.view_orderevent",
    "orders.view_nonreceiptreport",
    "orders.view_sentinerror",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": [
        *_READ,
        "orders.add_order",
        "orders.decline_order",
        "orders.apply_price_change",
    ],
    "warehouse": [
        *_READ,
        "orders.allocate_order",
        "orders.despatch_order",
        "orders.record_delivery",
        "orders.record_sent_in_error",
    ],
    "finance": list(_READ),
    "compliance": list(_READ),
}
