from customers.models import Customer


def customer_get_for_user(*, user) -> Customer:
    return Customer.objects.get(user=user)
