"""Payments fixtures: on-commit work run as it would be, cards."""

import os
import signal
from contextlib import contextmanager
from urllib.parse import unquote

import pytest

from mint_shop.actors import Actor
from orders import hooks
from orders.services import order_lines_allocate
from payments import gateway
from payments.services.despatch_charge import card_charge_for_despatch


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(): ...` runs what the block scheduled for after commit (tasks run eagerly)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def accepted_by_payment(order) -> list[int]:
    """The order's lines under contract because payment was taken for them (O3), as orders record it."""
    return list(
        order.lines.filter(accepted_via="payment", paid_at__isnull=False).order_by("pk").values_list("pk", flat=True)
    )


TEST_CARD = "4242424242424242"
DECLINED_ON_CHARGE = "4000000000000341"  # attaches, then every charge is declined
NEEDS_AUTHENTICATION = "4000002500003155"  # every payment asks for 3-D Secure


@pytest.fixture
def card(localstripe):
    """Make a Stripe payment method as Stripe.js would in the browser (no card number reaches us)."""

    def make(number: str = TEST_CARD) -> str:
        return (
            gateway.stripe_client()
            .v1.payment_methods.create(
                params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
            )
            .id
        )

    return make


@pytest.fixture
def place(commit):
    """Tell payments an order was placed, as orders' order_place does, and run what follows."""

    def run(order, **payment):
        with commit():
            hooks.notify(hooks.ORDER_PLACED, order=order, payment={"method": order.payment_method, **payment})
        order.refresh_from_db()
        return order

    return run


@pytest.fixture
def despatch(commit):
    def run(order, lines):
        with commit():
            hooks.notify(hooks.LINES_DESPATCH_CHECK, order=order, lines=lines)
            hooks.notify(hooks.LINES_DESPATCHED, order=order, lines=lines, shipment=None)

    return run


@pytest.fixture
def charge(commit):
    """Charge the saved card for lines no live hold covers, as the warehouse does before despatch (M3, M4)."""

    def run(order, lines):
        line_ids = [line.pk for line in lines]
        order_lines_allocate(order_id=order.pk, line_ids=line_ids, actor=Actor.system())  # O5: stock first
        with commit():
            return card_charge_for_despatch(
                order_id=order.pk, line_ids=[line.pk for line in lines], actor=Actor.system()
            )

    return run


@pytest.fixture
def stripe_paused(localstripe, settings):
    """Stop the localstripe process (SIGSTOP) and continue it (SIGCONT), keeping its data.

    While stopped, connections are accepted by the kernel but never answered, so our calls
    time out; on continuing, localstripe acts on what it received: the case of a request
    that reached Stripe while we heard nothing back.
    """
    settings.STRIPE_TIMEOUT_SECONDS = 1

    @contextmanager
    def paused():
        os.kill(localstripe.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(localstripe.process.pid, signal.SIGCONT)

    yield paused
    os.kill(localstripe.process.pid, signal.SIGCONT)


@pytest.fixture
def stripe_requests(monkeypatch):
    """Every HTTP request the stripe SDK makes through the gateway, as (method, path, query string)."""
    import stripe

    sent = []

    class Counting(stripe.RequestsClient):
        def request(self, method, url, headers, post_data=None):
            path, _, query = url.partition("?")
            sent.append((method.upper(), path.split("/v1/", 1)[-1], unquote(query)))
            return super().request(method, url, headers, post_data)

    monkeypatch.setattr(gateway.stripe, "RequestsClient", Counting)
    return sent
