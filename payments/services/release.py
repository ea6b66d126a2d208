"""Release after 10 days (M3), in batches whose database cost does not grow with their size."""

from django.db import transaction

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.background import enqueue_on_commit
from orders.models import Order
from payments.models import Authorisation, CardOperation, LedgerEntry, OrderPayment
from payments.services.card import CARD, release_cutoff
from payments.services.ledger import ledger_entry_build


def preauthorisation_release_stale(*, actor: Actor, batch_size: int = 1000) -> int:
    """Release every live hold authorised more than the release days ago (the order is not
    despatched, or the hold would have been captured), mark its order to be charged on
    despatch, and ask Stripe to cancel each hold after the batch commits.
    """
    cutoff = release_cutoff()
    released = 0
    while True:
        batch = _release_batch(cutoff=cutoff, actor=actor, batch_size=batch_size)
        if not batch:
            return released
        released += batch


def _release_batch(*, cutoff, actor: Actor, batch_size: int) -> int:
    with transaction.atomic(durable=True):
        stale = Authorisation.objects.filter(status=Authorisation.Status.AUTHORISED, authorised_at__lt=cutoff)
        # The orders first (payments.locks); one busy elsewhere waits for the next run.
        order_ids = list(
            Order.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(stale.order_by("pk").values_list("order_payment__order_id", flat=True)[:batch_size]))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        authorisations = list(
            stale.select_for_update(of=("self",))
            .select_related("order_payment")
            .filter(order_payment__order_id__in=order_ids)
            .order_by("pk")
        )
        if not authorisations:
            return 0
        now = clock.now()
        # Every row gets the same values, so one UPDATE by id (not a per-row CASE) and one
        # insert of history rows, whatever the batch size.
        Authorisation.objects.filter(pk__in=[a.pk for a in authorisations]).update(
            status=Authorisation.Status.RELEASED, ended_at=now
        )
        for authorisation in authorisations:
            authorisation.status = Authorisation.Status.RELEASED
            authorisation.ended_at = now
        Authorisation.history.bulk_history_create(authorisations, batch_size=batch_size, update=True, default_date=now)
        LedgerEntry.objects.bulk_create(
            [
                ledger_entry_build(
                    order_id=authorisation.order_payment.order_id,
                    kind=LedgerEntry.Kind.RELEASE,
                    amount_pence=authorisation.amount_pence,
                    method=CARD,
                    payment_intent_id=authorisation.payment_intent_id,
                    reference="released after the release period (M3)",
                    actor=actor,
                )
                for authorisation in authorisations
            ],
            batch_size=batch_size,
        )
        to_mark = [a.order_payment for a in authorisations if a.order_payment.charge_on_despatch_since is None]
        if to_mark:
            OrderPayment.objects.filter(pk__in=[p.pk for p in to_mark]).update(charge_on_despatch_since=now)
            for order_payment in to_mark:
                order_payment.charge_on_despatch_since = now
            OrderPayment.history.bulk_history_create(to_mark, batch_size=batch_size, update=True, default_date=now)
        described = actor.describe()
        operations = CardOperation.objects.bulk_create(
            [
                CardOperation(
                    order_payment_id=authorisation.order_payment_id,
                    kind=CardOperation.Kind.CANCEL,
                    payment_intent_id=authorisation.payment_intent_id,
                    actor=described,
                )
                for authorisation in authorisations
            ],
            batch_size=batch_size,
        )
        from payments.tasks import card_operations_perform as task

        enqueue_on_commit(task, [operation.pk for operation in operations])
        return len(authorisations)
