"""Reads for the key-an-order page (O1): what its search boxes and pickers show, as plain data."""

from django.db.models import Q

from catalogue.models import DeliveryOption, Product
from customers.models import Customer
from customers.selectors import customer_filter_by_search

FOUND_AT_MOST = 10


def _customer(customer: Customer) -> dict:
    return {
        "id": customer.pk,
        "name": f"{customer.first_name} {customer.last_name}",
        "email": customer.email,
        "phone": str(customer.phone or ""),
        "postcode": customer.postcode,
        "restricted": customer.restricted_at is not None,
        "addresses": [
            {
                "id": address.pk,
                "label": address.label,
                "name": address.recipient_name,
                "address": ", ".join(filter(None, [address.line1, address.line2, address.town])),
                "postcode": address.postcode,
                "country": str(address.country),
            }
            for address in customer.delivery_addresses.all()
        ],
    }


def customers_found(search: str) -> list[dict]:
    """Customers matching the box (name, phone however keyed, postcode with or without its space)."""
    if len(search.strip()) < 2:
        return []
    customers = customer_filter_by_search(Customer.objects.all(), search).prefetch_related("delivery_addresses")
    return [_customer(customer) for customer in customers.order_by("last_name", "first_name", "pk")[:FOUND_AT_MOST]]


def customer_found(customer_id) -> dict | None:
    """The customer already chosen, when the page is shown again after a refusal."""
    if not str(customer_id or "").isdigit():
        return None
    customer = Customer.objects.filter(pk=customer_id).prefetch_related("delivery_addresses").first()
    return _customer(customer) if customer else None


def products_found(search: str) -> list[dict]:
    """Products on sale whose name or SKU holds the words typed, with price and stock."""
    products = Product.objects.filter(withdrawn_at__isnull=True)
    for word in search.split():
        products = products.filter(Q(name__icontains=word) | Q(sku__icontains=word))
    return [
        {"id": p.pk, "sku": p.sku, "name": p.name, "price_pence": p.price_pence, "stock": p.stock}
        for p in products.order_by("sku")[:FOUND_AT_MOST]
    ]


def delivery_options() -> list[dict]:
    """Every active option with its region, so the page offers only those that deliver to the address."""
    return [
        {"code": o.code, "name": o.name, "region": o.region, "charge_pence": o.charge_pence}
        for o in DeliveryOption.objects.filter(active=True).order_by("pk")
    ]
