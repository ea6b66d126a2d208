import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mint_shop.settings")

app = Celery("mint_shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The daily jobs of the rulebook are added here as their issues land; each task is safe to
# run twice, so a missed or doubled beat does no harm.
app.conf.beat_schedule = {
    "outbox-send-pending": {
        "task": "notifications.tasks.outbox_send_pending",
        "schedule": 60.0,
    },
    # customers and consents

    # orders
    "orders-notify-delays": {
        "task": "orders.tasks.orders_notify_delays",
        "schedule": crontab(hour=7, minute=0),  # O6: once a day, London time
    },

    # payments

    # refunds

}
