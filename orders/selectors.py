"""Reads for orders, shaped for their callers: a page costs the same queries for 1 order or 50."""

from django.db.models import Prefetch, QuerySet

from customers.selectors import customer_list_open_orders_review
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
