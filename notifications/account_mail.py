"""allauth's emails (password reset, address confirmation, notices) go through the outbox.

They are recorded as outbox messages and sent by the worker like any other (N4): retried on
failure, shown to staff, never sent twice.
"""

import hashlib

from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from customers.account_adapter import CustomerAccountAdapter
from customers.models import Customer
from notifications.models import Message
from notifications.services import message_queue

ACCOUNT_KIND_PREFIX = "account_"  # the kinds of these messages; their links are credentials, never shown


class OutboxAccountAdapter(CustomerAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        base = {"request": request, "email": email, "current_site": get_current_site(request)}
        rendered = self.render_mail(template_prefix, email, {**base, **context})
        kind = ACCOUNT_KIND_PREFIX + template_prefix.rsplit("/", 1)[-1]
        # Each reset or confirmation carries its own key, so its body names it uniquely.
        digest = hashlib.sha256(f"{rendered.subject}\n{rendered.body}".encode()).hexdigest()[:32]
        user = context.get("user")
        customer = Customer.objects.filter(user=user).first() if getattr(user, "pk", None) else None
        message_queue(
            channel=Message.Channel.EMAIL,
            kind=kind,
            recipient=email,
            subject=rendered.subject[:200],
            body=rendered.body,
            customer=customer,
            dedupe_key=f"account:{kind}:{digest}",
        )
