"""Which of notifications' permissions each staff role holds (collected by mint_shop/roles.py)."""

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": [
        "notifications.view_message",
        "notifications.work_call_queue",
    ],
    "warehouse": [
        "notifications.view_message",
        "notifications.export_print_queue",
    ],
    "compliance": [
        "notifications.view_message",
    ],
}
