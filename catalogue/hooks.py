"""What catalogue tells the apps above it: the one upward reach from catalogue (DESIGN.md).

Orders registers its handler in `OrdersConfig.ready()`. Handlers run inside catalogue's
transaction, so their writes commit or roll back with the change they follow.

- PRODUCT_WITHDRAWN(product, actor): a product was withdrawn from sale (P3, T&C 5.1): its open
  lines must stop before despatch.
"""

from collections import defaultdict
from collections.abc import Callable

PRODUCT_WITHDRAWN = "product_withdrawn"

EVENTS = {PRODUCT_WITHDRAWN}

_handlers: dict[str, list[Callable]] = defaultdict(list)


def register(event: str, handler: Callable) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown catalogue event {event!r}")
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def notify(event: str, **kwargs) -> None:
    for handler in _handlers[event]:
        handler(**kwargs)
