"""Which of catalogue's permissions each staff role holds (collected by mint_shop/roles.py)."""

_READ = [
    "catalogue.view_range",
    "catalogue.view_product",
    "catalogue.view_deliveryoption",
    "catalogue.view_termsversion",
]

# Every role may look at the catalogue: orders, refunds and checks all name products and delivery options.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": list(_READ),
    "finance": list(_READ),
    "compliance": list(_READ),
    "warehouse": [
        *_READ,
        "catalogue.add_product",
        "catalogue.change_product",
        "catalogue.add_deliveryoption",
        "catalogue.change_deliveryoption",
    ],
}
