"""What a member of staff needs to set up their authenticator app, as text."""

from base64 import b32encode

from django_otp.plugins.otp_totp.models import TOTPDevice


def describe_enrolment(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return (
        f"  {device.user.username}: scan or paste into an authenticator app\n"
        f"    {device.config_url}\n"
        f"    (or type the secret {secret})"
    )
