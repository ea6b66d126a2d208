"""The admin site: staff sign in with a password, plus a TOTP code for the roles that need one.

Finance and compliance (`MINT_STAFF_OTP_ROLES`) and superusers must enter the code from the
device they enrolled (`manage.py staff_totp_enrol`); other staff enter one only if they have
enrolled. The code is checked by the login form itself, so a password alone never opens a
session for those roles: not in the admin, and so not in the staff API either.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice


def second_factor_required(user) -> bool:
    return user.is_superuser or user.groups.filter(name__in=settings.MINT_STAFF_OTP_ROLES).exists()


def _enrolled_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


class StaffLoginForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="Finance and compliance staff: the six-digit code.",
    )

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        device = _enrolled_device(user)
        if device is None:
            if second_factor_required(user):
                raise forms.ValidationError(
                    "Your role signs in with a second factor, and no authenticator is enrolled for you: "
                    "ask an administrator to enrol one (manage.py staff_totp_enrol).",
                    code="otp_not_enrolled",
                )
            return
        token = (self.cleaned_data.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError("Enter the code from your authenticator app.", code="otp_required")
        allowed, _ = device.verify_is_allowed()
        if not allowed or not device.verify_token(token):
            # verify_token counts failures: the device throttles repeated wrong codes itself.
            raise forms.ValidationError("That code is not right, or has expired.", code="otp_invalid")
        # django-otp marks the session verified when it sees this at login.
        user.otp_device = device


class MintAdminSite(admin.AdminSite):
    login_form = StaffLoginForm
    login_template = "admin/mint_login.html"

    def has_permission(self, request) -> bool:
        user = request.user
        if not super().has_permission(request):
            return False
        return not second_factor_required(user) or user.is_verified()
