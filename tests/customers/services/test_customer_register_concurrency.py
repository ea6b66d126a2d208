"""C2 under concurrency: two registrations for one person at the same moment make one account."""

import datetime as dt
import threading

import pytest
from django.db import connection

from customers import services
from customers.models import Customer
from mint_shop.actors import Actor, ActorKind, Channel
from mint_shop.errors import RuleViolation


@pytest.mark.django_db(transaction=True)
def test_c2_two_simultaneous_registrations_of_one_person_make_one_account():
    if connection.vendor != "postgresql":
        pytest.skip("row and advisory locks need PostgreSQL")
    barrier = threading.Barrier(2)
    outcomes = []

    def register(n):
        try:
            barrier.wait()
            services.customer_register(
                actor=Actor(kind=ActorKind.CUSTOMER, channel=Channel.WEB), first_name="Ada", last_name="Lovelace",
                email=f"ada{n}@example.com", date_of_birth=dt.date(1985, 12, 10), capacity_declared=True,
                checks_agreed=True, password="a-long-enough-password", postcode="SW1A 1AA",
            )
            outcomes.append("registered")
        except RuleViolation as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["duplicate_account", "registered"]
    assert Customer.objects.count() == 1
