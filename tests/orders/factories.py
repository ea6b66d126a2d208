"""Orders for tests, made through the real placing service so every invariant holds."""

from mint_shop.actors import Actor
from orders.services import DeliveryRequest, LineRequest, order_place

ADDRESS = DeliveryRequest(
    option_code="uk-standard", name="Ada Lovelace", address="1 Mint Street, London", postcode="SW1A 1AA"
)


def place_order(customer, *items, method="bank_transfer", actor=None, delivery=ADDRESS, **kwargs):
    """Place an order of (product, quantity) pairs, or (product, quantity, engraving) for a personalised
    line (P6), for the customer, online unless an actor is given."""
    order, _ = order_place(
        customer=customer,
        lines=[LineRequest(product_id=item[0].pk, quantity=item[1], engraving_text=item[2] if len(item) > 2 else "")
               for item in items],
        delivery=delivery,
        payment={"method": method},
        actor=actor or Actor.customer(customer.user),
        **kwargs,
    )
    return order
