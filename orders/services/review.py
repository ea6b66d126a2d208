"""C7: a deceased customer's open orders wait for staff review; nothing of them is despatched till then.

Customers record the death and the need for review (`open_orders_review_required`); orders
act on it here and tell customers when the review is done.
"""

from customers.selectors import customer_list_open_orders_review
from customers.services import customer_open_orders_review_complete
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders import errors
from orders.models import Order


def order_require_reviewed(order: Order) -> None:
    """Refuse despatch while the customer's open orders await review after their death (C7)."""
    if order.customer.open_orders_review_required:
        raise RuleViolation(
            errors.OPEN_ORDERS_REVIEW_PENDING,
            f"The customer of order {order.pk} has died: staff must review their open orders before despatch.",
        )


def customer_orders_review_complete(*, customer_id: int, actor: Actor):
    """Customer service has reviewed a deceased customer's open orders (declining any that should not go)."""
    if not customer_list_open_orders_review().filter(pk=customer_id).exists():
        raise RuleViolation(
            errors.OPEN_ORDERS_REVIEW_NOT_PENDING, f"Customer {customer_id} has no open orders awaiting review."
        )
    return customer_open_orders_review_complete(customer_id=customer_id, actor=actor)
