"""D7: a legal hold or open dispute stops erasure (said so, nothing changed); D6/D12: an objection stops marketing."""

import pytest

from consents.models import LegalHold
from consents.retention import legal_hold_lift, legal_hold_place
from consents.selectors import marketing_consent_allows
from consents.services import marketing_consent_set
from mint_shop.actors import Actor
from tests.customers.helpers import api
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_d7_an_open_dispute_stops_erasure_until_the_hold_is_lifted(staff_user):
    customer = CustomerFactory(first_name="Araminta")
    hold = legal_hold_place(customer_id=customer.pk, kind=LegalHold.Kind.DISPUTE, reason="Chargeback contested",
                            actor=Actor.system())
    compliance = api(staff_user("compliance"))
    made = api(customer.user).post("/api/v1/me/data-requests/", {"kind": "erasure"}, format="json").json()

    refused = compliance.post(f"/api/v1/staff/data-requests/{made['id']}/answer/")
    assert (refused.status_code, refused.json()["rule"]) == (409, "D7")
    assert f"consents.LegalHold {hold.pk}: Open dispute" in refused.json()["detail"]
    customer.refresh_from_db()
    assert customer.first_name == "Araminta"

    legal_hold_lift(hold_id=hold.pk, actor=Actor.system())
    assert compliance.post(f"/api/v1/staff/data-requests/{made['id']}/answer/").status_code == 200
    customer.refresh_from_db()
    assert customer.first_name == ""


def test_d6_d12_an_objection_withdraws_marketing_on_every_channel_and_counts_against_phone_calls(staff_user):
    customer = CustomerFactory(phone="+442079460009")
    marketing_consent_set(customer_id=customer.pk, channel="email", granted=True, source="web_form",
                          actor=Actor.customer(customer.user))
    assert marketing_consent_allows(customer=customer, channel="call")  # not on the TPS list, no objection yet
    made = api(customer.user).post("/api/v1/me/data-requests/", {"kind": "objection"}, format="json").json()
    api(staff_user("compliance")).post(f"/api/v1/staff/data-requests/{made['id']}/answer/")
    for channel in ("email", "sms", "call", "letter"):
        assert not marketing_consent_allows(customer=customer, channel=channel)
