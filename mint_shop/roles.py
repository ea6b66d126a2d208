"""Staff roles: which permissions each role group holds.

The groups are created and kept in step by data migrations that call `roles_sync`; when an
issue adds permissions it edits this table and adds a migration that calls `roles_sync`
again. The admin and the staff API both check these permissions, so a role reaches the
same things through either.
"""

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Customers on the phone and by post: find and key customers and their orders.
    "customer_service": [
        "customers.view_customer",
        "customers.add_customer",
        "customers.change_customer",
        "catalogue.view_range",
        "catalogue.view_product",
        "orders.view_order",
        "orders.add_order",
        "orders.change_order",
        "orders.view_orderline",
        "orders.add_orderline",
        "orders.change_orderline",
        "notifications.view_message",
        "notifications.work_call_queue",
    ],
    # The warehouse: allocate stock, despatch, record delivery.
    "warehouse": [
        "catalogue.view_range",
        "catalogue.view_product",
        "catalogue.change_product",
        "orders.view_order",
        "orders.view_orderline",
        "orders.allocate_order",
        "orders.despatch_order",
        "orders.record_delivery",
        "notifications.view_message",
        "notifications.export_print_queue",
    ],
    # Finance: payments, refunds, reconciliation.
    "finance": [
        "orders.view_order",
        "orders.view_orderline",
        "payments.view_ledgerentry",
        "payments.reconcile_ledger",
        "payments.grant_refund",
    ],
    # Compliance: restrictions, checks, data requests, retention.
    "compliance": [
        "customers.view_customer",
        "customers.restrict_customer",
        "customers.view_due_diligence",
        "orders.view_order",
        "orders.view_orderline",
        "notifications.view_message",
    ],
}


def roles_sync(apps, schema_editor=None) -> None:
    """Create each role group and give it exactly the permissions in ROLE_PERMISSIONS.

    Runs inside migrations: it first creates the permissions of every installed app, which
    Django would otherwise only do after the whole migrate run.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)
