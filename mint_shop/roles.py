"""Staff roles: which permissions each role group holds.

Each app says which of its own permissions each role gets, in `<app>/roles.py`; this module
adds them up. Data migrations call `roles_sync` to create the groups and keep them in step:
an app that adds permissions edits its `roles.py` and adds a migration that calls
`roles_sync` again; the release step (`manage.py release`) syncs them once more after migrating,
so a role changed in a `roles.py` alone is in step too. The admin and the staff API both check
these permissions, so a role reaches the same things through either.
"""

from importlib import import_module

ROLES = ("customer_service", "warehouse", "finance", "compliance", "marketing")
APPS_WITH_ROLES = (
    "customers",
    "catalogue",
    "consents",
    "notifications",
    "promotions",
    "orders",
    "payments",
    "cancellations",
)


def role_permissions() -> dict[str, list[str]]:
    """Every role with the "app_label.codename" permissions all apps give it."""
    table: dict[str, list[str]] = {role: [] for role in ROLES}
    for app in APPS_WITH_ROLES:
        for role, names in import_module(f"{app}.roles").ROLE_PERMISSIONS.items():
            table[role].extend(names)
    return table


def roles_sync(apps, schema_editor=None) -> None:
    """Create each role group and give it the permissions of `role_permissions()`.

    Runs inside migrations: it first creates the permissions of every installed app, which
    Django would otherwise only do after the whole migrate run. A permission whose model
    is not migrated yet is left for the migration that brings it, which syncs again.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    _groups_sync(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


def roles_sync_installed() -> None:
    """The same with the models as they are now, for the release step (after `migrate` made the permissions)."""
    from django.contrib.auth.models import Group, Permission
    from django.db import transaction

    with transaction.atomic():
        _groups_sync(group_model=Group, permission_model=Permission)


def _groups_sync(*, group_model, permission_model) -> None:
    existing = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in permission_model.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, names in role_permissions().items():
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.set([existing[name] for name in names if name in existing])
