from rest_framework.permissions import BasePermission

from mint_shop.admin_site import second_factor_required


class HasStaffPermissions(BasePermission):
    """Staff endpoints: the user must be active staff holding every permission the view names.

    A view sets `required_permissions = ("app_label.codename", ...)`; the role groups of
    `mint_shop/roles.py` grant them. A role that signs in with a second factor needs a session
    verified with it (django-otp marks the user with its device): not an API token, nor a session
    opened before the role needed the code.
    """

    message = "Your staff role does not allow this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_staff and user.is_active):
            return False
        if second_factor_required(user) and getattr(user, "otp_device", None) is None:
            return False
        return user.has_perms(getattr(view, "required_permissions", ()))


class IsCustomer(BasePermission):
    """Customer endpoints: a logged-in user with a customer record (their own data only)."""

    message = "Only a customer can do this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and hasattr(user, "customer"))
