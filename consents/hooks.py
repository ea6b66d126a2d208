"""Upward reach from consents (DESIGN.md): the outbox registers here to tell the person about their request.

Called inside the service's transaction, so the message is recorded with the change (N4).
Events: "received" (the acknowledgment), "extended" (with the reason), "answered".
"""

from collections.abc import Callable

data_request_listeners: list[Callable[..., None]] = []


def data_request_event(*, data_request, event: str) -> None:
    for listener in data_request_listeners:
        listener(data_request=data_request, event=event)
