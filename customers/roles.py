"""Which of customers' permissions each staff role holds (collected by mint_shop/roles.py)."""

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": [
        "customers.view_customer",
        "customers.add_customer",
        "customers.change_customer",
    ],
    "compliance": [
        "customers.view_customer",
        "customers.restrict_customer",
        "customers.view_due_diligence",
    ],
}
