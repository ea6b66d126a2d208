"""Orders paid by instalments on the interest-free account (M1, M5), through the HTTP API and the
admin with every app's hooks active: placed online or keyed by staff, decided by finance, scheduled,
reminded and chased by the daily task, and held back from despatch until the plan is approved.
"""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from notifications.models import Message
from orders.models import Order
from payments.models import InstalmentPlan, LedgerEntry
from payments.tasks import instalments_daily
from tests.integration.conftest import despatch_body, order_body

pytestmark = pytest.mark.django_db

PLACED = dt.datetime(2027, 1, 4, 10, tzinfo=dt.UTC)  # a Monday in winter: London is on UTC
FIRST_DUE = dt.date(2027, 2, 1)


@pytest.fixture(autouse=True)
def placed_in_january():
    with time_machine.travel(PLACED, tick=False) as traveller:
        yield traveller


def place_by_instalments(as_customer, *items, number: int = 3):
    placed = as_customer.post(
        "/api/v1/orders/", order_body(*items, payment={"method": "instalments", "number_of_instalments": number})
    )
    assert placed.status_code == 201, placed.json()
    return placed.json()


def pending_plan(finance, order_id: int) -> dict:
    pending = finance.get("/api/v1/staff/instalment-plans/?status=applied").json()["results"]
    return next(plan for plan in pending if plan["order"] == order_id)


def decide(finance, plan_id: int, *, approve: bool, reason: str = "status checked", first_due_on=FIRST_DUE):
    body = {"approve": approve, "reason": reason, "first_due_on": first_due_on.isoformat() if first_due_on else None}
    return finance.post(f"/api/v1/staff/instalment-plans/{plan_id}/decision/", body)


def approved_order(as_customer, staff, *items, number: int = 3) -> tuple[dict, dict]:
    order = place_by_instalments(as_customer, *items, number=number)
    decided = decide(staff("finance"), pending_plan(staff("finance"), order["id"])["id"], approve=True)
    assert decided.status_code == 200, decided.json()
    return order, decided.json()


def try_despatch(staff, order_id: int):
    warehouse = staff("warehouse")
    warehouse.post(f"/api/v1/staff/orders/{order_id}/allocate/")
    line_ids = [line["id"] for line in warehouse.get(f"/api/v1/staff/orders/{order_id}/").json()["lines"]]
    return warehouse.post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(*line_ids))


def test_m1_an_instalment_order_is_placed_online_and_waits_for_finances_decision(as_customer, staff, coin):
    order = place_by_instalments(as_customer, (coin, 1), number=4)

    plans = as_customer.get("/api/v1/me/instalment-plans/").json()["results"]
    assert [(p["order"], p["status"], p["number_of_instalments"], p["instalments"]) for p in plans] == [
        (order["id"], "applied", 4, [])
    ]
    assert pending_plan(staff("finance"), order["id"])["total_pence"] == 2895


def test_m1_staff_key_a_phone_order_paid_by_instalments(staff, customer, coin):
    keyed = staff("customer_service").post(
        "/api/v1/staff/orders/",
        order_body((coin, 2), payment={"method": "instalments", "number_of_instalments": 6},
                   customer_id=customer.pk, channel="phone"),
    )

    assert keyed.status_code == 201, keyed.json()
    plan = InstalmentPlan.objects.get(order_id=keyed.json()["id"])
    assert (plan.order.channel, plan.number_of_instalments, plan.status) == ("phone", 6, "applied")


def test_m1_customer_service_keys_an_instalment_order_in_the_admin(staff_user, customer, coin):
    client = Client()
    client.force_login(staff_user("customer_service"))

    response = client.post(
        "/admin/orders/order/key/",
        {
            "customer": customer.pk, "channel": "post", "lines": f"{coin.sku} 1", "payment_method": "instalments",
            "number_of_instalments": 3, "delivery_option": "uk-standard", "delivery_name": "Ada",
            "delivery_address": "1 Mint St", "delivery_postcode": "SW1A 1AA", "delivery_country": "GB",
        },
    )

    assert response.status_code == 302, response.content
    plan = InstalmentPlan.objects.get()
    assert (plan.order.channel, plan.number_of_instalments, plan.status) == ("post", 3, "applied")


@pytest.mark.parametrize(("number", "rule"), [(None, "M5"), (1, "M5"), (25, "M5"), ("three", "input")])
def test_m5_a_bad_number_of_instalments_is_refused_and_nothing_written(as_customer, coin, number, rule):
    payment = {"method": "instalments"} | ({"number_of_instalments": number} if number is not None else {})
    refused = as_customer.post("/api/v1/orders/", order_body((coin, 1), payment=payment))

    assert (refused.status_code, refused.json()["rule"]) == (400, rule)
    assert not Order.objects.exists() and not InstalmentPlan.objects.exists()
    coin.refresh_from_db()
    assert coin.stock == 10


def test_m5_the_schedule_is_monthly_and_adds_up_to_the_total_with_delivery_to_the_penny(as_customer, staff, coin, case):
    order, plan = approved_order(as_customer, staff, (coin, 1), (case, 1))  # 2500 + 1000 + 395 delivery

    assert order["total_pence"] == plan["total_pence"] == 3895
    assert [(i["number"], i["due_on"], i["amount_pence"]) for i in plan["instalments"]] == [
        (1, "2027-02-01", 1299), (2, "2027-03-01", 1298), (3, "2027-04-01", 1298),
    ]
    assert plan["decided_by"].startswith("staff:finance-user") and plan["decision_reason"] == "status checked"
    decision = Message.objects.get(kind="instalment_decision")
    assert "approved" in decision.body and decision.recipient == order_customer_email(order)


def order_customer_email(order) -> str:
    return Order.objects.select_related("customer").get(pk=order["id"]).customer.email


def test_m5_a_refusal_needs_a_reason_and_is_recorded_with_who_and_when(as_customer, staff, coin):
    order = place_by_instalments(as_customer, (coin, 1))
    plan_id = pending_plan(staff("finance"), order["id"])["id"]

    without_reason = decide(staff("finance"), plan_id, approve=False, reason=" ")
    refused = decide(staff("finance"), plan_id, approve=False, reason="credit reference declined")
    again = decide(staff("finance"), plan_id, approve=True)

    assert (without_reason.status_code, without_reason.json()["rule"]) == (400, "M5")
    assert refused.status_code == 200
    assert (refused.json()["status"], refused.json()["instalments"]) == ("declined", [])
    assert refused.json()["decided_at"] == "2027-01-04T10:00:00Z"
    assert (again.status_code, again.json()["rule"]) == (409, "M5")


def test_m5_only_finance_decides_a_plan(as_customer, staff, coin):
    order = place_by_instalments(as_customer, (coin, 1))
    plan_id = InstalmentPlan.objects.get(order_id=order["id"]).pk

    assert decide(staff("customer_service"), plan_id, approve=True).status_code == 403
    assert as_customer.post(f"/api/v1/staff/instalment-plans/{plan_id}/decision/", {"approve": True}).status_code == 403
    assert InstalmentPlan.objects.get(pk=plan_id).status == "applied"


def test_m5_a_plan_not_yet_decided_stops_despatch(as_customer, staff, coin):
    order = place_by_instalments(as_customer, (coin, 1))

    refused = try_despatch(staff, order["id"])

    assert (refused.status_code, refused.json()["rule"]) == (409, "M5")
    assert not as_customer.get(f"/api/v1/orders/{order['id']}/").json()["shipments"]


def test_m5_a_refused_plan_stops_despatch(as_customer, staff, coin):
    order = place_by_instalments(as_customer, (coin, 1))
    decide(staff("finance"), pending_plan(staff("finance"), order["id"])["id"], approve=False, reason="declined")

    refused = try_despatch(staff, order["id"])

    assert (refused.status_code, refused.json()["rule"]) == (409, "M5")


def test_m5_an_approved_plan_lets_the_goods_go_before_they_are_paid_for(as_customer, staff, coin):
    order, _ = approved_order(as_customer, staff, (coin, 1))

    assert try_despatch(staff, order["id"]).status_code == 200


def test_m5_reminders_go_by_sms_to_the_mobile_number_of_a_customer_who_prefers_texts(as_customer, staff, customer,
                                                                                   coin, placed_in_january):
    customer.preferred_contact, customer.mobile_phone = "sms", "+447700900123"
    customer.save()
    approved_order(as_customer, staff, (coin, 1))

    placed_in_january.move_to(dt.datetime(2027, 1, 26, 23, 59, tzinfo=dt.UTC))  # six days before: not yet
    instalments_daily.delay()
    assert not Message.objects.filter(kind="instalment_reminder").exists()
    placed_in_january.move_to(dt.datetime(2027, 1, 27, 0, 1, tzinfo=dt.UTC))
    instalments_daily.delay()
    instalments_daily.delay()

    reminders = Message.objects.filter(kind="instalment_reminder")
    assert [(m.channel, m.recipient) for m in reminders] == [("sms", "+447700900123")]
    assert "Instalment 1 of 3" in reminders.get().body and "£9.65" in reminders.get().body


def test_m5_reminders_go_by_letter_to_the_postal_address_otherwise(as_customer, staff, customer, coin,
                                                                  placed_in_january):
    customer.preferred_contact, customer.mobile_phone = "post", "+447700900123"
    customer.address_line1, customer.town, customer.postcode = "2 Coin Lane", "Llantrisant", "CF72 8YT"
    customer.save()
    approved_order(as_customer, staff, (coin, 1))

    placed_in_january.move_to(dt.datetime(2027, 1, 28, 9, tzinfo=dt.UTC))
    instalments_daily.delay()

    reminder = Message.objects.get(kind="instalment_reminder")
    assert reminder.channel == "letter"
    assert reminder.recipient == f"{customer.full_name}\n2 Coin Lane\nLlantrisant\nCF72 8YT"


def test_m5_a_missed_instalment_puts_the_plan_in_arrears_once_after_its_due_day(as_customer, staff, coin,
                                                                              placed_in_january):
    order, plan = approved_order(as_customer, staff, (coin, 1))
    first = plan["instalments"][0]

    placed_in_january.move_to(dt.datetime(2027, 2, 1, 23, 59, tzinfo=dt.UTC))  # still its due day in London
    instalments_daily.delay()
    assert InstalmentPlan.objects.get(pk=plan["id"]).status == "active"
    placed_in_january.move_to(dt.datetime(2027, 2, 2, 0, 1, tzinfo=dt.UTC))
    instalments_daily.delay()
    instalments_daily.delay()

    mine = as_customer.get("/api/v1/me/instalment-plans/").json()["results"][0]
    assert (mine["status"], mine["arrears_pence"]) == ("in_arrears", first["amount_pence"])
    assert mine["instalments"][0]["missed_at"] == "2027-02-02T00:01:00Z"
    assert Message.objects.filter(kind="instalment_missed").count() == 1

    paid = staff("finance").post(f"/api/v1/staff/instalments/{first['id']}/paid/", {"reference": "SO-1"})
    assert paid.status_code == 200, paid.json()
    mine = as_customer.get("/api/v1/me/instalment-plans/").json()["results"][0]
    assert (mine["status"], mine["arrears_pence"]) == ("active", 0)


def test_m5_the_last_instalment_completes_the_plan_so_title_can_pass(as_customer, staff, customer, coin):
    staff("compliance").post(f"/api/v1/staff/customers/{customer.pk}/checks/", {"kind": "aml", "status": "passed"})
    order, plan = approved_order(as_customer, staff, (coin, 1))
    finance = staff("finance")

    for instalment in plan["instalments"]:
        paid = finance.post(f"/api/v1/staff/instalments/{instalment['id']}/paid/", {"reference": "SO"})
        assert paid.status_code == 200, paid.json()

    mine = as_customer.get("/api/v1/me/instalment-plans/").json()["results"][0]
    assert mine["status"] == "completed" and mine["paid_in_full_at"] is not None
    assert [e.amount_pence for e in LedgerEntry.objects.filter(order_id=order["id"])] == [965, 965, 965]
    assert finance.get(f"/api/v1/staff/payments/orders/{order['id']}/").json()["outstanding_pence"] == 0
    detail = as_customer.get(f"/api/v1/orders/{order['id']}/").json()
    assert detail["title_passed"] is True
    assert [(line["accepted_via"], line["title_passed_at"] is not None) for line in detail["lines"]] == [
        ("payment", True)
    ]
    paying_again = finance.post(f"/api/v1/staff/instalments/{plan['instalments'][0]['id']}/paid/", {"reference": "X"})
    assert (paying_again.status_code, paying_again.json()["rule"]) == (409, "M5")


def test_m5_o3_a_line_withdrawn_after_approval_leaves_the_schedule(as_customer, staff, coin, case):
    order, plan = approved_order(as_customer, staff, (coin, 1), (case, 1))  # 3895 in 1299, 1298, 1298
    case_line = next(line for line in order["lines"] if line["product"] == case.pk)

    withdrawn = as_customer.post(f"/api/v1/orders/{order['id']}/cancel-lines/", {"line_ids": [case_line["id"]]})

    assert withdrawn.status_code == 200, withdrawn.json()
    mine = as_customer.get("/api/v1/me/instalment-plans/").json()["results"][0]
    assert (mine["status"], mine["total_pence"]) == ("active", 2895)
    assert [(i["due_on"], i["amount_pence"]) for i in mine["instalments"]] == [
        ("2027-02-01", 965), ("2027-03-01", 965), ("2027-04-01", 965),
    ]


def test_m5_o4_a_plan_whose_order_lost_every_line_is_neither_reminded_nor_put_in_arrears(
    as_customer, staff, coin, placed_in_january
):
    order, plan = approved_order(as_customer, staff, (coin, 1))

    withdrawn = as_customer.post(
        f"/api/v1/orders/{order['id']}/cancel-lines/", {"line_ids": [line["id"] for line in order["lines"]]}
    )
    assert withdrawn.status_code == 200, withdrawn.json()
    placed_in_january.move_to(dt.datetime(2027, 1, 28, 9, tzinfo=dt.UTC))
    instalments_daily.delay()
    placed_in_january.move_to(dt.datetime(2027, 2, 2, 9, tzinfo=dt.UTC))
    instalments_daily.delay()

    mine = as_customer.get("/api/v1/me/instalment-plans/").json()["results"][0]
    assert (mine["status"], mine["total_pence"], mine["arrears_pence"]) == ("ended", 0, 0)
    assert not Message.objects.filter(kind__in=["instalment_reminder", "instalment_missed"]).exists()


def test_m5_p3_a_plan_paid_into_ends_when_its_product_is_withdrawn_and_the_order_has_nothing_left(
    as_customer, staff, coin, placed_in_january
):
    order, plan = approved_order(as_customer, staff, (coin, 1))  # 965 a month
    paid = staff("finance").post(f"/api/v1/staff/instalments/{plan['instalments'][0]['id']}/paid/", {"reference": "1"})
    assert paid.status_code == 200, paid.json()

    assert staff("warehouse").post(f"/api/v1/staff/products/{coin.pk}/withdraw/").status_code == 200
    placed_in_january.move_to(dt.datetime(2027, 3, 2, 9, tzinfo=dt.UTC))  # the second instalment's day has gone
    instalments_daily.delay()

    mine = as_customer.get("/api/v1/me/instalment-plans/").json()["results"][0]
    assert (mine["status"], mine["arrears_pence"]) == ("ended", 0)
    assert not Message.objects.filter(kind__in=["instalment_reminder", "instalment_missed"]).exists()
    money = staff("finance").get(f"/api/v1/staff/payments/orders/{order['id']}/").json()
    assert (money["taken_pence"], money["refundable_pence"]) == (965, 0)  # what was paid comes back (P3)
