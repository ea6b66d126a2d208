"""Customer service's cancellation jobs in the admin: each page calls the service, says what it did,
and shows the rule's refusal as a message on the form (never a 500)."""


import datetime as dt

import pytest

from cancellations.models import FaultClaim, GoodsReturn
from cancellations.services import cancellation_request
from mint_shop.actors import Actor, Channel
from tests.cancellations.factories import deliver, paid_order

pytestmark = pytest.mark.django_db

NOTICE = "/admin/cancellations/cancellation/notice/"


def test_r2_a_notice_by_letter_cancels_the_lines_ticked_on_the_order(client, staff_user, commit, customer, coin):
    order = paid_order(commit, customer, (coin, 1))
    deliver(commit, order)
    client.force_login(staff_user("customer_service"))
    assert client.get(NOTICE).status_code == 200  # first: which order
    page = client.get(NOTICE, {"order": order.pk})
    assert f'value="{order.lines.get().pk}"' in page.content.decode()  # a checkbox per line

    with commit():
        response = client.post(f"{NOTICE}?order={order.pk}", {
            "channel": Channel.POST, "received_on": dt.date.today().isoformat(),
            "sent_on": dt.date.today().isoformat(), "lines": [order.lines.get().pk]},
            follow=True)

    assert "cancellation" in response.content.decode() and "recorded" in response.content.decode()
    cancellation = order.cancellations.get()
    assert (cancellation.notice_channel, cancellation.notice_received_on) == (Channel.POST, dt.date.today())


def test_r1_a_notice_after_the_cooling_off_period_is_refused_on_the_page(client, staff_user, commit, customer, coin):
    order = paid_order(commit, customer, (coin, 1))
    deliver(commit, order, delivered_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=30))
    client.force_login(staff_user("customer_service"))

    response = client.post(f"{NOTICE}?order={order.pk}", {
        "channel": Channel.PHONE, "received_on": dt.date.today().isoformat(), "lines": [order.lines.get().pk]})

    assert response.status_code == 200
    assert "Refused (R1)" in response.content.decode()
    assert not order.cancellations.exists()


def test_r3_the_return_is_recorded_with_its_condition(client, staff_user, commit, customer, coin):
    order = paid_order(commit, customer, (coin, 1))
    deliver(commit, order)
    with commit():
        cancellation = cancellation_request(order_id=order.pk, line_ids=[order.lines.get().pk], actor=Actor.system(),
                                            notice_channel=Channel.PHONE).cancellation
    client.force_login(staff_user("warehouse"))
    url = f"/admin/cancellations/cancellation/{cancellation.pk}/return/"

    with commit():
        response = client.post(url, {"lines": [order.lines.get().pk], "received_on": dt.date.today().isoformat(),
                                     "condition": "damaged", "return_postage": "3.20"}, follow=True)

    assert "the refund is now owed" in response.content.decode()
    goods_return = GoodsReturn.objects.get(cancellation=cancellation)
    assert (goods_return.condition, goods_return.received_on) == ("damaged", dt.date.today())


def test_r7_a_fault_claim_and_its_examination_are_recorded_in_the_admin(client, staff_user, commit, customer, coin):
    order = paid_order(commit, customer, (coin, 1))
    deliver(commit, order)
    client.force_login(staff_user("customer_service"))

    client.post(f"/admin/cancellations/faultclaim/add/?order={order.pk}", {
        "line": order.lines.get().pk, "reported_on": dt.date.today().isoformat(), "description": "Scratched"})
    claim = FaultClaim.objects.get()
    examine = f"/admin/cancellations/faultclaim/{claim.pk}/examine/"
    refused = client.post(examine, {"outcome": "faulty", "remedy": "", "findings": "Deep scratch"})
    with commit():
        done = client.post(examine, {"outcome": "faulty", "remedy": "refund", "findings": "Deep scratch"}, follow=True)

    assert "Refused (R7)" in refused.content.decode()
    assert "examination recorded" in done.content.decode()
    claim.refresh_from_db()
    assert (claim.outcome, claim.remedy) == (FaultClaim.Outcome.FAULTY, FaultClaim.Remedy.REFUND)
    assert claim.cancellation.refund_pence == 2500 + 395  # the whole order: goods and delivery (R7)


def test_only_customer_service_may_record_a_notice(client, staff_user, customer):
    client.force_login(staff_user("finance"))
    assert client.get(NOTICE).status_code == 403


