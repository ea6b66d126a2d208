"""Which of orders' permissions each staff role holds (collected by mint_shop/roles.py)."""

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": [
        "orders.view_order",
        "orders.add_order",
        "orders.change_order",
        "orders.view_orderline",
        "orders.add_orderline",
        "orders.change_orderline",
    ],
    "warehouse": [
        "orders.view_order",
        "orders.view_orderline",
        "orders.allocate_order",
        "orders.despatch_order",
        "orders.record_delivery",
    ],
    "finance": [
        "orders.view_order",
        "orders.view_orderline",
    ],
    "compliance": [
        "orders.view_order",
        "orders.view_orderline",
    ],
}
