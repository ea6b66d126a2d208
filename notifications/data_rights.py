"""The outbox's part in data requests (D6, N2): the acknowledgment, an extension's reason, and the answer.

Registered on consents.hooks at start-up. An erased person has no contact details left, so the
answer to an erasure is given with the request (API and admin), not sent.
"""

from django.conf import settings

from consents.selectors import postal_address
from notifications.models import Message
from notifications.services import message_queue

_SUBJECTS = {
    "received": "We have your data request",
    "extended": "Your data request: we need more time",
    "answered": "Your data request has been answered",
}


def _body(request, event: str) -> str:
    kind = request.get_kind_display().lower()
    if event == "received":
        return (f"We received your {kind} request on {request.received_at:%d %B %Y}. "
                f"We will answer by {request.due_on:%d %B %Y}. It is free of charge.")
    if event == "extended":
        return (f"We need until {request.extended_due_on:%d %B %Y} to answer your {kind} request, "
                f"because: {request.extension_reason}")
    if request.export is not None:
        hours = settings.MINT_DATA_EXPORT_LINK_HOURS
        return (f"Your {kind} request is answered. Sign in to your account to download your data "
                f"(JSON or spreadsheet); the link works for {hours} hours.")
    return f"Your {kind} request is answered."


def data_request_tell(*, data_request, event: str) -> None:
    customer = data_request.customer
    if customer.email:
        channel, recipient = Message.Channel.EMAIL, customer.email
    elif customer.address_line1:
        channel, recipient = Message.Channel.LETTER, postal_address(customer)
    else:
        return  # erased, or no way to reach them: the answer stands on the request itself
    message_queue(channel=channel, kind=f"data_request_{event}", recipient=recipient, subject=_SUBJECTS[event],
                  body=_body(data_request, event), dedupe_key=f"data-request-{data_request.pk}-{event}",
                  customer=customer)
