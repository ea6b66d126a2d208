"""Every admin page, as each staff role: 200 where the roles tables give the permission, 403 where
they do not, never a 500; and no link on a page a role can open leads that role to a 403."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from mint_shop.roles import ROLES, role_permissions
from tests.mint_shop.admin_world import admin_world

pytestmark = pytest.mark.django_db


def _pages():
    """(model, page) for every registered model: its changelist, add and (with a row) change page."""
    for model in admin.site._registry:
        yield model, "changelist"
        yield model, "add"
        yield model, "change"


def _url(model, page, world) -> str | None:
    meta = model._meta
    name = f"admin:{meta.app_label}_{meta.model_name}_{page}"
    if page != "change":
        return reverse(name)
    row = world.get(model) or model._default_manager.order_by("pk").first()
    return reverse(name, args=[row.pk]) if row else None


def _may(role: str, model, page: str) -> bool:
    """What the roles table gives: the admin's own rule for each page, read from the user's permissions."""
    names = set(role_permissions()[role])
    meta = model._meta
    perm = lambda action: f"{meta.app_label}.{action}_{meta.model_name}" in names  # noqa: E731
    return {
        "changelist": perm("view") or perm("change"),
        "change": perm("view") or perm("change"),
        "add": perm("add"),
    }[page]


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_answers_each_role_as_its_roles_table_says(client, staff_user, role):
    world = admin_world()
    client.force_login(staff_user(role))
    wrong = []
    for model, page in _pages():
        url = _url(model, page, world)
        if url is None:
            continue
        response = client.get(url, follow=False)
        allowed = _may(role, model, page)
        if response.status_code >= 500:
            wrong.append((url, response.status_code))
        elif allowed and response.status_code not in (200, 302):
            wrong.append((url, response.status_code, "expected 200"))
        elif not allowed and response.status_code not in (403, 302):
            wrong.append((url, response.status_code, "expected 403"))
    assert not wrong, "\n".join(map(str, wrong))


@pytest.mark.parametrize("role", ROLES)
def test_no_admin_link_leads_a_role_to_a_403(client, staff_user, role):
    world = admin_world()
    client.force_login(staff_user(role))
    to_visit = [reverse("admin:index")]
    for model, page in _pages():
        url = _url(model, page, world)
        if url and _may(role, model, page):
            to_visit.append(url)
    seen, refused = set(), []
    for url in to_visit:
        html = client.get(url).content.decode()
        for link in set(re.findall(r'href="(/admin/[^"#?]*)', html)):
            if link in seen or link.endswith("/logout/") or "/password_change/" in link:
                continue
            seen.add(link)
            if client.get(link).status_code == 403:
                refused.append((url, link))
    assert not refused, "\n".join(map(str, refused))
