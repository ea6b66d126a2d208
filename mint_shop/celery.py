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
    "call-recordings-purge-expired": {  # C10, D8: recordings and transcripts go after 6 months
        "task": "customers.tasks.call_recordings_purge_expired",
        "schedule": crontab(hour=2, minute=30),
    },

    "consents-retention-apply": {  # D8: the retention schedule, daily
        "task": "consents.tasks.retention_apply",
        "schedule": crontab(hour=2, minute=45),
    },

    # orders
    "orders-notify-delays": {
        "task": "orders.tasks.orders_notify_delays",
        "schedule": crontab(hour=7, minute=0),  # O6: once a day, London time
    },

    # promotions
    "promotions-referral-rewards-earn-due": {  # X3: rewards earned 10 days after the friend's purchase
        "task": "promotions.tasks.referral_rewards_earn_due",
        "schedule": crontab(hour=6, minute=0),
    },
    "promotions-referral-clawbacks-flag": {  # X3: a friend's cancellation after the reward, for staff
        "task": "promotions.tasks.referral_clawbacks_flag",
        "schedule": crontab(hour=6, minute=15),
    },

    # payments
    "payments-card-operations-retry-due": {
        "task": "payments.tasks.card_operations_retry_due",
        "schedule": 60.0,
    },
    "payments-stripe-events-process-due": {
        "task": "payments.tasks.stripe_events_process_due",
        "schedule": 60.0,
    },
    "payments-authorisations-end-due": {
        "task": "payments.tasks.authorisations_end_due",
        "schedule": 3600.0,  # hourly, so a hold is never captured long after Stripe's deadline
    },
    "payments-instalments-daily": {
        "task": "payments.tasks.instalments_daily",
        "schedule": crontab(hour=8, minute=0),
    },

    # refunds
    "cancellations-refund-deadlines-flag": {  # R5: refunds due within 3 days or overdue
        "task": "cancellations.tasks.refund_deadlines_flag",
        "schedule": crontab(hour=7, minute=30),
    },
    "cancellations-refunds-grant-due": {  # M8: refunds owed whose grant was never started
        "task": "cancellations.tasks.cancellation_refunds_grant_due",
        "schedule": 300.0,
    },
    "cancellations-source-of-funds-cancel": {  # C5: declined or overdue requests cancel and refund
        "task": "cancellations.tasks.source_of_funds_orders_cancel",
        "schedule": crontab(hour=6, minute=30),
    },

}


@app.on_after_configure.connect
def _redbeat_reads_the_redis_url(sender, **kwargs):
    """RedBeat (README "Deploying") looks for its Redis URL under its own name, not Django's CELERY_ one."""
    if sender.conf.get("redbeat_redis_url"):
        sender.conf.redbeat_redis_url = sender.conf.get("redbeat_redis_url")
