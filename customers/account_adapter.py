"""How django-allauth treats the mint's customers (README "Signing in").

Registration is the mint's own (`POST /api/v1/register/`: C1, C2), so allauth's sign-up is
closed. Staff sign in at the admin, where their roles may need a second factor, so the
customers' sign-in refuses staff logins rather than open a session without one.
"""

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.headless.account.views import SignupView
from allauth.headless.base.response import ForbiddenResponse
from django import forms


class CustomerAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def add_message(self, request, *args, **kwargs):
        # The API shows no pages, so no message: one left in a cookie by a registration ("Confirmation
        # email sent to …") told a new account from a person who already has one (issue 14).
        if request.path.startswith("/api/"):
            return
        super().add_message(request, *args, **kwargs)

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and user.is_staff:
            raise forms.ValidationError("Staff sign in at the admin.", code="staff_login")
        return user


class ClosedSignupView(SignupView):
    """allauth's headless sign-up, refused before its form is read: allauth checks the form first, and
    its "email_taken" for a customer's address (against a plain 403 for any other) told who is a
    customer (issue 14). Served in place of allauth's at `_allauth/<client>/v1/auth/signup`."""

    def handle(self, request, *args, **kwargs):
        if not get_adapter(request).is_open_for_signup(request):
            return ForbiddenResponse(request)
        return super().handle(request, *args, **kwargs)
