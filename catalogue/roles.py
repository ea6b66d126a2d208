"""Which of catalogue' permissions each staff role holds (collected by mint_shop/roles.py)."""

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": [
        "catalogue.view_range",
        "catalogue.view_product",
    ],
    "warehouse": [
        "catalogue.view_range",
        "catalogue.view_product",
        "catalogue.change_product",
    ],
}
