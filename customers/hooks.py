"""What customers tell the apps above them (DESIGN.md: upward reach only through a registry
filled in `AppConfig.ready`). Customers never import those apps.

- `aml_identity_passed(customer, actor)`: the customer's own AML identity check has just passed
  (C4). Orders registers `orders_title_pass_on_aml_passed`, so title that waited only for the
  check passes now (O10). Handlers run inside the customers service's transaction.
"""

from collections.abc import Callable

_aml_identity_passed_handlers: list[Callable] = []


def on_aml_identity_passed(handler: Callable) -> None:
    if handler not in _aml_identity_passed_handlers:
        _aml_identity_passed_handlers.append(handler)


def aml_identity_passed(*, customer, actor) -> None:
    for handler in _aml_identity_passed_handlers:
        handler(customer=customer, actor=actor)
