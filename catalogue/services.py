"""Writes for catalogue: one public function per use case, keyword-only arguments, one transaction."""

from django.db import transaction

from catalogue import errors, hooks
from catalogue.models import Product
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.db import retry_on_conflict
from mint_shop.errors import RuleViolation


def product_price_change(*, product_id: int, price_pence: int, actor: Actor) -> Product:
    """P7: a new price for new orders. Open orders keep the price they were quoted.

    The history row records who changed it and when: that is the price history.
    """
    if price_pence <= 0:
        raise RuleViolation(errors.PRICE_INVALID, "A price must be a positive number of pence.")
    with transaction.atomic(durable=True):
        product = Product.objects.select_for_update().get(pk=product_id)
        product.price_pence = price_pence
        product._change_reason = f"price change by {actor.describe()}"
        product.save(update_fields=["price_pence"])
    return product


@retry_on_conflict
def product_withdraw(*, product_id: int, actor: Actor) -> Product:
    """P3 (T&C 5.1): take a product off sale. Its lines on open orders stop before despatch in
    the same transaction (orders hear of it through `catalogue.hooks`). Withdrawing twice does nothing more.

    It holds the product while it locks each order, where a decline or a customer's withdrawal
    holds the order and then returns stock to the product: whichever PostgreSQL aborts runs again.
    """
    with transaction.atomic(durable=True):
        product = Product.objects.select_for_update().get(pk=product_id)
        if product.withdrawn_at is None:
            product.withdrawn_at = clock.now()
            product._change_reason = f"withdrawn by {actor.describe()}"
            product.save(update_fields=["withdrawn_at"])
            hooks.notify(hooks.PRODUCT_WITHDRAWN, product=product, actor=actor)
    return product
