"""Staff jobs as admin pages: a form whose valid submission calls one service.

Each app's admin adds its pages with `service_page`: the form is shown in the admin's frame, a
valid submission calls the service, success is a message and a redirect, and the rule's refusal
is shown on the form (never a 500). Amounts are typed in pounds and pence (`PoundsField`).
"""

import re
from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation

_POUNDS = re.compile(r"^£?\s*(\d{1,9})(?:\.(\d{1,2}))?$")


class PoundsField(forms.CharField):
    """An amount typed as pounds and pence ("12.50", "£12.5", "12"), cleaned to integer pence."""

    def to_python(self, value):
        value = (super().to_python(value) or "").replace(",", "").strip()
        if not value:
            return None
        match = _POUNDS.match(value)
        if not match:
            raise forms.ValidationError("Give an amount in pounds and pence, such as 12.50.")
        pounds, pence = match.groups()
        return int(pounds) * 100 + int((pence or "0").ljust(2, "0"))


def service_page(
    modeladmin,
    request,
    *,
    form: forms.Form,
    permission: str,
    title: str,
    call: Callable[[dict, Actor], str],
    done_url: str,
    intro: str = "",
):
    """Show `form`; on a valid POST run `call(cleaned_data, actor)`, whose return is the success message."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            message = call(form.cleaned_data, Actor.staff(request.user))
        except RuleViolation as exc:
            form.add_error(None, f"Refused ({exc.rule.rule}): {exc.detail}")
        else:
            modeladmin.message_user(request, message, messages.SUCCESS)
            return redirect(done_url)
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": title,
        "intro": intro,
        "form": form,
    }
    return TemplateResponse(request, "admin/service_form.html", context)


def chosen(request, form_class: type[forms.Form], field: str):
    """The object a page works on, chosen in a first step by GET (`?order=123`), or None."""
    form = form_class(request.GET or None)
    return form.cleaned_data[field] if form.is_valid() else None


def choose_page(modeladmin, request, *, form_class: type[forms.Form], title: str, intro: str = ""):
    """First step of a page that works on one object: ask which (the form is sent by GET)."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": title,
        "intro": intro,
        "form": form_class(request.GET or None),
        "form_method": "get",
    }
    return TemplateResponse(request, "admin/service_form.html", context)


class NoDeadLinksAdmin(admin.ModelAdmin):
    """A read-only foreign key shows as a link to the other record's page; a field whose page the user may
    not open is left off, so no link on the page leads them to a 403 (their own login, for one)."""

    def get_fields(self, request, obj=None):
        return [name for name in super().get_fields(request, obj) if _may_open(request, self.model, name)]


class ReadOnlyAdminMixin:
    """Rows written only by services (the API, commands, tasks, the actions): staff read them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _may_open(request, model, name) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True
    if not (field.many_to_one or field.one_to_one) or field.related_model is None:
        return True
    meta = field.related_model._meta
    return request.user.has_perm(f"{meta.app_label}.view_{meta.model_name}") or request.user.has_perm(
        f"{meta.app_label}.change_{meta.model_name}"
    )


def submitted(request):
    """The POST data for a form that has no fields of its own (a confirm button), else None."""
    return request.POST if request.method == "POST" else None
