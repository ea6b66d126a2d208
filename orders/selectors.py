"""Reads for orders, shaped for their callers: a page costs the same queries for 1 order or 50."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Subquery

from catalogue.models import DeliveryOption, Product
from catalogue.selectors import terms_versions_in_force
from customers.models import Customer
from customers.selectors import customer_filter_by_search, customer_list_open_orders_review
from orders.models import Order, OrderLine, Shipment


def _shaped(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("customer", "delivery_option", "terms_version").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("pk")),
        Prefetch("shipments", queryset=Shipment.objects.order_by("pk")),
    )


def order_list_for_customer(*, customer) -> QuerySet:
    return _shaped(Order.objects.filter(customer=customer)).order_by("-placed_at", "-id")


def order_get_for_customer(*, customer, order_id: int) -> Order:
    """Only the customer's own order: another customer's is simply not found."""
    return _shaped(Order.objects.filter(customer=customer)).get(pk=order_id)


def order_list_for_staff(*, status: str | None = None) -> QuerySet:
    orders = Order.objects.all()
    if status:
        orders = orders.filter(status=status)
    return _shaped(orders).order_by("-placed_at", "-id")


def order_list_awaiting_review() -> QuerySet:
    """C7: open orders of customers who have died, for customer service to review; earliest death first."""
    orders = Order.objects.filter(status=Order.Status.PLACED, customer__in=customer_list_open_orders_review())
    return _shaped(orders).order_by("customer__deceased_at", "customer_id", "pk")


def order_line_ids_live(*, order_id: int) -> list[int]:
    """The lines still on the order (O3): what a payment in full pays for and accepts."""
    return list(
        OrderLine.objects.filter(order_id=order_id, withdrawn_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def order_lines_stopped_by_withdrawal() -> QuerySet:
    """P3: lines taken off open orders because their product was withdrawn from sale, newest first,
    for staff to follow up (the customer is told, and refunded for any paid)."""
    return (
        OrderLine.objects.filter(withdrawn_because=OrderLine.WithdrawnBecause.PRODUCT_WITHDRAWN)
        .select_related("product", "order__customer")
        .order_by("-withdrawn_at", "-pk")
    )


def order_get_for_staff(*, order_id: int) -> Order:
    return _shaped(Order.objects.all()).get(pk=order_id)


def shipment_get_for_customer(*, customer, order_id: int, shipment_id: int) -> Shipment:
    return Shipment.objects.get(pk=shipment_id, order_id=order_id, order__customer=customer)


def order_title_passed(*, order: Order) -> bool:
    """O10: title to every live line has passed (orders.services.title passes it, line by line).

    Uses the prefetched lines of a shaped order.
    """
    lines = [line for line in order.lines.all() if line.live]
    return bool(lines) and all(line.title_passed_at for line in lines)


def order_list_with_stage(orders: QuerySet) -> QuerySet:
    """Orders with the counts `order_stage` reads, in the one query of the list."""
    live = Q(lines__withdrawn_at__isnull=True)
    return orders.annotate(
        live_lines=Count("lines", filter=live, distinct=True),
        accepted_lines=Count("lines", filter=live & Q(lines__accepted_at__isnull=False), distinct=True),
        despatched_lines=Count("lines", filter=live & Q(lines__shipment__isnull=False), distinct=True),
        delivered_lines=Count("lines", filter=live & Q(lines__shipment__delivered_at__isnull=False), distinct=True),
    )


def order_stage(order: Order) -> str:
    """Where the order is, in staff's words: placed, part accepted, accepted, (part) despatched, delivered,
    declined or cancelled. `order` comes from `order_list_with_stage`."""
    if order.status in (Order.Status.DECLINED, Order.Status.CANCELLED) or order.live_lines == 0:
        return "declined" if order.status == Order.Status.DECLINED else "cancelled"
    if order.delivered_lines == order.live_lines:
        return "delivered"
    if order.despatched_lines:
        return "despatched" if order.despatched_lines == order.live_lines else "part despatched"
    if order.accepted_lines:
        return "accepted" if order.accepted_lines == order.live_lines else "part accepted"
    return "placed"


def order_filter_by_search(orders: QuerySet, search: str) -> QuerySet:
    """Staff's one box: order number, tracking number, delivery postcode, or the customer's name, phone or
    postcode (however keyed)."""
    search = search.strip()
    if not search:
        return orders
    found = Q(customer__in=customer_filter_by_search(Customer.objects.all(), search).values("pk"))
    found |= Q(shipments__tracking_number__iexact=search)
    found |= Q(delivery_postcode__iexact=search)
    digits = search.lstrip("#")
    if digits.isdigit():
        found |= Q(pk=int(digits))
    return orders.filter(pk__in=orders.filter(found).values("pk"))


@dataclass(frozen=True)
class PlacementReading:
    """Everything placing an order reads before writing, from one statement (bench/README.md).

    The customer's restriction and death as they are now (C3, C7), the order already placed
    under the same Idempotency-Key (O2), the terms in force (P8) and the delivery option with
    its region's standard charge (P2); `products` by id (P3–P7). The delivery fields are None
    when the option is not active in the region, or when the caller did not ask for them.
    """

    products: dict[int, Product]
    restricted_at: dt.datetime | None
    deceased_at: dt.datetime | None
    terms_version_id: int | None
    earlier_order_id: int | None = None
    delivery_option_id: int | None = None
    delivery_charge_pence: int | None = None
    standard_charge_pence: int | None = None


def order_placement_read(
    *,
    customer_id: int,
    product_ids: list[int],
    idempotency_key: str | None,
    placed_at: dt.datetime,
    delivery: tuple[str, str] | None,
) -> PlacementReading:
    """The products asked for, each row carrying the rest as scalar subqueries (one round trip).

    `delivery` is (region, option code). With no product found, the same subqueries are read
    from the customer's row, so the answer is still one statement.
    """
    customer = Customer.objects.filter(pk=customer_id)
    extra = {
        "_restricted_at": Subquery(customer.values("restricted_at")[:1]),
        "_deceased_at": Subquery(customer.values("deceased_at")[:1]),
        "_terms_version_id": Subquery(terms_versions_in_force(placed_at=placed_at).values("pk")[:1]),
    }
    if idempotency_key:
        extra["_earlier_order_id"] = Subquery(
            Order.objects.filter(customer_id=customer_id, idempotency_key=idempotency_key).values("pk")[:1]
        )
    if delivery is not None:
        region, code = delivery
        in_region = DeliveryOption.objects.filter(region=region, active=True)
        chosen = in_region.filter(code=code)
        extra |= {
            "_delivery_option_id": Subquery(chosen.values("pk")[:1]),
            "_delivery_charge_pence": Subquery(chosen.values("charge_pence")[:1]),
            "_standard_charge_pence": Subquery(in_region.order_by("charge_pence").values("charge_pence")[:1]),
        }
    products = {product.pk: product for product in Product.objects.filter(pk__in=product_ids).annotate(**extra)}
    row = next(iter(products.values()), None)
    if row is None:
        row = customer.annotate(**extra).first()  # no product found: a refusal, but C3/C7 and O2 come first
    return PlacementReading(
        products=products, **{name.lstrip("_"): getattr(row, name) if row else None for name in extra}
    )
