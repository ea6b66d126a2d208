"""D2: the signed, single-use unsubscribe link that goes in every marketing email.

The token carries the customer's id and a random nonce, signed with the project's secret
(django.core.signing), so it cannot be forged or edited to name another customer; the
nonce is remembered when the link is used, so it works once.
"""

import secrets

from django.core import signing
from django.urls import reverse

SALT = "consents.unsubscribe"


def unsubscribe_token_make(*, customer) -> str:
    return signing.dumps({"customer": customer.pk, "nonce": secrets.token_urlsafe(16)}, salt=SALT)


def unsubscribe_token_read(token: str) -> dict:
    """The signed payload; raises signing.BadSignature for anything forged or altered."""
    return signing.loads(token, salt=SALT)


def unsubscribe_url(*, customer, base_url: str) -> str:
    """The absolute link for a marketing email body (one-click: GET or POST, no login)."""
    path = reverse("consents:unsubscribe", kwargs={"token": unsubscribe_token_make(customer=customer)})
    return f"{base_url.rstrip('/')}{path}"
