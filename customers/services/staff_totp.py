"""Staff second factor: enrol a TOTP authenticator for a staff login (README "Signing in")."""

import logging

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from customers.models import User
from mint_shop.actors import Actor

logger = logging.getLogger(__name__)


def staff_totp_enrol(*, user_id: int, actor: Actor, replace: bool = False) -> TOTPDevice:
    """Give the staff login an authenticator, or return the one it has; `replace` issues a new secret.

    The device is confirmed at once: whoever enrols hands the secret (or its otpauth:// QR code)
    to the member of staff in person.
    """
    with transaction.atomic(durable=True):
        user = User.objects.select_for_update().get(pk=user_id, is_staff=True)
        devices = TOTPDevice.objects.filter(user=user)
        current = devices.filter(confirmed=True).order_by("pk").first()
        if current is not None and not replace:
            return current
        devices.delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    logger.info("%s enrolled a TOTP authenticator for staff user %s", actor.describe(), user.pk)
    return device
