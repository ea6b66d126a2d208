"""D6: the signed, expiring link by which a customer downloads the answer to an access or portability request."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "consents.data-export"


def export_token_make(data_request_id: int) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(data_request_id))


def export_token_read(token: str) -> int:
    """The request id; raises signing.SignatureExpired after the link's life, signing.BadSignature if forged."""
    value = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=settings.MINT_DATA_EXPORT_LINK_HOURS * 3600)
    return int(value)


def export_url(data_request_id: int) -> str:
    path = reverse("consents:my-data-request-export", kwargs={"pk": data_request_id})
    return f"{path}?token={export_token_make(data_request_id)}"
