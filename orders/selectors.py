"""Reads for orders, shaped for their callers: a page costs the same queries for 1 order or 50."""

import datetime as dt
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet

from catalogue.models import DeliveryOption, Product, TermsVersion
from catalogue.selectors import terms_published_by
from customers.models import Customer
from customers.selectors import customer_filter_by_search, customer_list_open_orders_review
from mint_shop.rawsql import RowReader, Selected, once_per_connection, quoted_column, quoted_table
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


# The placement read (bench/README.md): one row per product asked for, or one row with no product
# when none is found (a refusal, but C3/C7 and O2 are answered first), each carrying the rest.
# Django compiled this as a queryset with seven scalar subqueries on every order, most of a
# refusal's CPU; it is built here once per connection. The table and column names come from the
# models' _meta (never from the request); every value is a bound parameter, in this order:
# terms cutoff, Idempotency-Key, region, region, option code, the product ids, the customer.
_PLACEMENT_SQL = """
SELECT
    customer.{restricted_at}, customer.{deceased_at},  -- C3, C7: as they are now
    (SELECT terms.{terms_id} FROM {terms_table} AS terms  -- P8: the newest published by the cutoff
     WHERE terms.{published_at} <= %s ORDER BY terms.{published_at} DESC LIMIT 1),
    (SELECT earlier.{order_id} FROM {order_table} AS earlier  -- O2: NULL key (none sent) matches nothing
     WHERE earlier.{order_customer} = customer.{customer_id} AND earlier.{idempotency_key} = %s),
    chosen.{option_id}, chosen.{charge_pence},  -- P2: the option asked for, if active in the region
    (SELECT MIN(standard.{charge_pence}) FROM {option_table} AS standard  -- P2: the region's standard
     WHERE standard.{region} = %s AND standard.{active}),
    {product_columns}
FROM {customer_table} AS customer
LEFT JOIN {option_table} AS chosen
    ON chosen.{region} = %s AND chosen.{code} = %s AND chosen.{active}
LEFT JOIN {product_table} AS product ON product.{product_id} IN ({{product_ids}})
WHERE customer.{customer_id} = %s
ORDER BY product.{sku}
"""


# The columns before the products', as PlacementReading names them.
_READ_FIRST = (
    "restricted_at", "deceased_at", "terms_version_id", "earlier_order_id",
    "delivery_option_id", "delivery_charge_pence", "standard_charge_pence",
)


@once_per_connection
def _placement_statement(connection):
    """The placement read's SQL (with a slot for the product ids' placeholders), its reader and products."""
    table, column = functools.partial(quoted_table, connection), functools.partial(quoted_column, connection)
    products = Selected(connection, Product, "product")
    sql = _PLACEMENT_SQL.format(  # nosec B608 # names from _meta, values bound
        customer_table=table(Customer), customer_id=column(Customer, "id"),
        restricted_at=column(Customer, "restricted_at"), deceased_at=column(Customer, "deceased_at"),
        terms_table=table(TermsVersion), terms_id=column(TermsVersion, "id"),
        published_at=column(TermsVersion, "published_at"),
        order_table=table(Order), order_id=column(Order, "id"), order_customer=column(Order, "customer"),
        idempotency_key=column(Order, "idempotency_key"),
        option_table=table(DeliveryOption), option_id=column(DeliveryOption, "id"),
        charge_pence=column(DeliveryOption, "charge_pence"), region=column(DeliveryOption, "region"),
        code=column(DeliveryOption, "code"), active=column(DeliveryOption, "active"),
        product_table=table(Product), product_id=column(Product, "id"), sku=column(Product, "sku"),
        product_columns=products.sql,
    )
    charge = DeliveryOption._meta.get_field("charge_pence")
    read = [
        Customer._meta.get_field("restricted_at"), Customer._meta.get_field("deceased_at"),
        TermsVersion._meta.pk, Order._meta.pk, DeliveryOption._meta.pk, charge, charge, *products.fields,
    ]
    return sql, RowReader(connection, read), products


def order_placement_read(
    *,
    customer_id: int,
    product_ids: list[int],
    idempotency_key: str | None,
    placed_at: dt.datetime,
    delivery: tuple[str, str] | None,
) -> PlacementReading:
    """The products asked for and all else the checks need, in one statement (`_PLACEMENT_SQL`).

    `delivery` is (region, option code); None reads no option (the caller reads them itself).
    """
    sql, reader, products = _placement_statement()
    region, code = delivery if delivery is not None else (None, None)
    cutoff = TermsVersion._meta.get_field("published_at").get_db_prep_value(
        terms_published_by(placed_at=placed_at), connection
    )
    params = [cutoff, idempotency_key or None, region, region, code, *product_ids, customer_id]
    with connection.cursor() as cursor:
        # No id asked for reads no product: "IN (NULL)" is false on every database.
        cursor.execute(sql.format(product_ids=", ".join(["%s"] * len(product_ids)) or "NULL"), params)
        rows = [reader.read(row) for row in cursor.fetchall()]
    width = len(_READ_FIRST)
    found = [products.build(row[width:]) for row in rows if row[width + products.pk_index] is not None]
    first = rows[0][:width] if rows else [None] * width  # no row: no such customer
    scalars = dict(zip(_READ_FIRST, first, strict=True))
    return PlacementReading(products={product.pk: product for product in found}, **scalars)
