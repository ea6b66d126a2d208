from customers import errors
from customers.models import Customer
from mint_shop.errors import RuleViolation


def customer_get_for_user(*, user) -> Customer:
    return Customer.objects.get(user=user)


def customer_assert_can_order(*, customer: Customer) -> None:
    """Refuse an order from a customer the mint will not supply (C3) or who has died (C7)."""
    if customer.restricted_at is not None:
        raise RuleViolation(errors.CUSTOMER_RESTRICTED, "The mint has declined to supply this customer.")
    if customer.deceased_at is not None:
        raise RuleViolation(errors.CUSTOMER_DECEASED, "This account belongs to a customer who has died.")
