"""Admin pieces shared by customers and consents: saves go through services, inlines are read-only."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.http import HttpResponseRedirect

from mint_shop.actors import Actor
from mint_shop.admin_forms import NoDeadLinksAdmin
from mint_shop.errors import RuleViolation


class ReasonActionForm(ActionForm):
    """The action bar gains a reason box, for actions the rulebook wants a reason for (C3, C6)."""

    reason = forms.CharField(required=False, widget=forms.TextInput(attrs={"size": 60}))


class ServiceAdmin(NoDeadLinksAdmin):
    """A model admin whose saves call a service, so the admin keeps the same rules as the API.

    The admin normally wraps the whole form in one transaction; services open their own
    (durable) one, so the wrapper is left out here and a refusal becomes an error message.
    """

    action_form = ReasonActionForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return self._changeform_view(request, object_id, form_url, extra_context)
        except RuleViolation as exc:
            self.message_user(request, f"Refused ({exc.rule.rule}): {exc.detail}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_related(self, request, form, formsets, change):
        """Inlines here are read-only; the service has saved everything that changes. The admin's change
        message still asks each formset what it saved: nothing."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def run_action(self, request, queryset, call, needs_reason: bool = False) -> None:
        """Apply a service to each selected row, reporting refusals row by row."""
        reason = request.POST.get("reason", "").strip()
        if needs_reason and not reason:
            self.message_user(request, "Give a reason in the box beside the action.", messages.ERROR)
            return
        actor = Actor.staff(request.user)
        done = 0
        for obj in queryset.order_by("pk"):
            try:
                call(obj, actor, reason)
                done += 1
            except RuleViolation as exc:
                self.message_user(request, f"{obj}: refused ({exc.rule.rule}): {exc.detail}", messages.WARNING)
        if done:
            self.message_user(request, f"Done for {done} row(s).", messages.SUCCESS)


class ReadOnlyInline(admin.TabularInline):
    """Shown on the customer's page for reading; each record is changed through its own service."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
