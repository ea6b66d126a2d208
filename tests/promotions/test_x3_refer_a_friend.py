"""X3 refer a friend: joining, the friend's reward, the referrer's reward earned by the daily task, caps,
combining, refusals and clawback; money through the HTTP API with every app's hooks active."""

import datetime as dt
import itertools

import pytest
import time_machine
from rest_framework.test import APIClient

from cancellations.models import Cancellation
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from notifications.models import Message
from orders.models import Order
from orders.services import order_decline
from payments.models import LedgerEntry
from payments.selectors import order_money
from payments.services.receipts import bank_receipt_record
from promotions import errors, tasks
from promotions.models import Redemption, Referral, ReferralScheme, Reward
from promotions.selectors import referral_scheme_get
from promotions.services import referral_claim, referral_join, reward_refuse
from tests.cancellations.factories import deliver
from tests.factories import CustomerFactory, ProductFactory
from tests.promotions.factories import PromoCodeFactory, order_with

START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=clock.LONDON)
_streets = itertools.count(10)


def _friend(**kwargs):
    return CustomerFactory(address_line1=f"{next(_streets)} Friend Road", postcode="CF72 8BR", **kwargs)


def _api(customer):
    client = APIClient()
    client.force_authenticate(customer.user)
    return client


def _order_body(*items, **extra):
    return {
        "lines": [{"product_id": product.pk, "quantity": quantity} for product, quantity in items],
        "delivery": {"option": "uk-standard", "name": "A Friend", "address": "2 Friend Road", "postcode": "CF72 8BR"},
        "payment": {"method": "bank_transfer"},
        **extra,
    }


@pytest.fixture
def invitation(customer):
    return referral_join(customer=customer, actor=Actor.customer(customer.user))


def _refer(invitation, gift, quantity=2):
    """A new friend takes up the invitation with a first gifts order of £50."""
    friend = _friend()
    order_with(friend, (gift, quantity), referral=invitation.token)
    return friend


def _earn_on(day: dt.datetime):
    with time_machine.travel(day, tick=False):
        tasks.referral_rewards_earn_due.delay()


def test_x3_joining_gives_an_invitation_shareable_for_3_months_seen_through_the_api(api, customer):
    with time_machine.travel(START, tick=False):
        response = api.post("/api/v1/me/referral/join/")
        again = api.post("/api/v1/me/referral/join/")
    assert response.status_code == 201
    assert response.json()["expires_on"] == "2026-06-02"
    assert again.json()["token"] == response.json()["token"]  # one live invitation at a time
    with time_machine.travel(START, tick=False):
        overview = api.get("/api/v1/me/referral/").json()
    assert overview["invitation"]["token"] == response.json()["token"]


def test_x3_an_invitation_can_be_taken_up_for_3_months_and_no_longer(customer):
    with time_machine.travel(START, tick=False):
        invitation = referral_join(customer=customer, actor=Actor.customer(customer.user))
    last_minute = dt.datetime(2026, 6, 2, 23, 59, tzinfo=clock.LONDON)
    for moment, allowed in ((last_minute, True), (last_minute + dt.timedelta(minutes=2), False)):
        friend = _friend()
        with time_machine.travel(moment, tick=False):
            response = _api(friend).post("/api/v1/me/referral/claim/", {"invitation": invitation.token}, format="json")
        if allowed:
            assert response.status_code == 201 and response.json()["expires_on"] == "2026-06-16"
        else:
            assert (response.status_code, response.json()["code"]) == (409, errors.INVITATION_EXPIRED.code)


def test_x3_friend_gets_10_pounds_off_a_first_gifts_order_of_50_and_the_referrer_is_told(
    commit, customer, invitation, gift
):
    friend = _friend()
    response = commit(lambda: _api(friend).post("/api/v1/orders/", _order_body((gift, 2), referral=invitation.token),
                                                format="json"))
    assert response.status_code == 201, response.json()
    assert [line["discount_pence"] for line in response.json()["lines"]] == [1000]
    reward = Reward.objects.get(customer=friend)
    assert (reward.kind, reward.status, reward.amount_pence) == ("friend", "used", 1000)
    referral = Referral.objects.get(friend=friend)
    assert referral.status == Referral.Status.PURCHASED
    told = Message.objects.get(kind="referral_friend_bought")
    assert (told.recipient, told.purpose) == (customer.email, "service")
    ack = Message.objects.get(dedupe_key=f"order:{response.json()['id']}:acknowledgment")
    assert "Referred friend's reward: £10.00 off." in ack.body


def test_x3_an_order_of_49_99_is_refused_and_nothing_is_written(commit, invitation, gift):
    gift.price_pence = 4999
    gift.save(update_fields=["price_pence"])
    friend = _friend()
    response = commit(lambda: _api(friend).post("/api/v1/orders/", _order_body((gift, 1), referral=invitation.token),
                                                format="json"))
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["rule"]) == (errors.REWARD_MINIMUM_SPEND.code, "X3")
    assert (Order.objects.count(), Referral.objects.count(), Reward.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize("day, allowed", [(14, True), (15, False)])
def test_x3_the_friends_reward_is_valid_14_days_from_issue(invitation, gift, day, allowed):
    friend = _friend()
    with time_machine.travel(START, tick=False):
        reward = referral_claim(friend=friend, token=invitation.token, actor=Actor.customer(friend.user)).rewards.get()
    assert reward.expires_on == dt.date(2026, 3, 16)
    with time_machine.travel(START + dt.timedelta(days=day), tick=False):
        if allowed:
            order_with(friend, (gift, 2), referral=reward.code)
        else:
            with pytest.raises(RuleViolation) as refused:
                order_with(friend, (gift, 2), referral=reward.code)
            assert refused.value.rule == errors.REWARD_EXPIRED
    assert Redemption.objects.filter(reward=reward).exists() is allowed


@pytest.mark.parametrize(
    "make_friend, rule",
    [
        (lambda referrer: referrer, errors.FRIEND_IS_REFERRER),
        (lambda referrer: CustomerFactory(email=referrer.email.upper()), errors.FRIEND_IS_REFERRER),
        (lambda referrer: CustomerFactory(address_line1="1  mint street", postcode="sw1a1aa"),
         errors.FRIEND_IS_REFERRER),
        (lambda referrer: _friend(date_of_birth=dt.date.today().replace(year=dt.date.today().year - 17)),
         errors.FRIEND_UNDER_18),
        (lambda referrer: _friend(country="RU"), errors.FRIEND_SANCTIONED),
    ],
    ids=["same-person", "same-email", "same-address", "under-18", "sanctioned-country"],
)
def test_x3_an_ineligible_friend_is_refused_naming_the_rule_and_nothing_is_written(
    customer, invitation, make_friend, rule
):
    friend = make_friend(customer)
    response = _api(friend).post("/api/v1/me/referral/claim/", {"invitation": invitation.token}, format="json")
    assert response.status_code == rule.status
    assert (response.json()["code"], response.json()["rule"]) == (rule.code, "X3")
    assert (Referral.objects.count(), Reward.objects.count()) == (0, 0)


def test_x3_a_friend_new_to_gifts_may_have_bought_coins_but_not_gifts(invitation, gift, coin):
    coin_buyer, gift_buyer = _friend(), _friend()
    order_with(coin_buyer, (coin, 1))
    order_with(gift_buyer, (gift, 1))
    order_with(coin_buyer, (gift, 2), referral=invitation.token)
    with pytest.raises(RuleViolation) as refused:
        order_with(gift_buyer, (gift, 2), referral=invitation.token)
    assert refused.value.rule == errors.FRIEND_NOT_NEW


def test_x3_a_reward_combines_with_a_code_on_other_ranges_but_not_on_gifts_or_from_an_affiliate(
    commit, invitation, gift, coin
):
    coins_code = PromoCodeFactory(code="COINS5")
    coins_code.ranges.add(coin.range)
    gifts_code = PromoCodeFactory(code="GIFTS5")
    gifts_code.ranges.add(gift.range)
    affiliate = PromoCodeFactory(code="PARTNER", affiliate=True)
    affiliate.ranges.add(coin.range)
    for code in (gifts_code, affiliate):
        friend = _friend()
        response = commit(lambda f=friend, c=code: _api(f).post(
            "/api/v1/orders/", _order_body((gift, 2), (coin, 1), promo_code=c.code, referral=invitation.token),
            format="json"))
        assert (response.status_code, response.json()["code"]) == (409, errors.REWARD_NOT_COMBINABLE.code)
    assert (Order.objects.count(), Redemption.objects.count(), Reward.objects.count()) == (0, 0, 0)
    order = order_with(_friend(), (gift, 2), (coin, 1), code=coins_code.code, referral=invitation.token)
    assert [line.discount_pence for line in order.lines.all()] == [1000, 500]


@pytest.mark.parametrize("cancel_on_day, earned", [(9, False), (11, True)])
def test_x3_the_referrers_reward_is_earned_10_days_after_the_purchase_unless_cancelled_first(
    commit, customer, invitation, gift, staff_user, cancel_on_day, earned
):
    with time_machine.travel(START, tick=False):
        friend = commit(lambda: _refer(invitation, gift))
    order = Order.objects.get(customer=friend)
    cancel = lambda: order_decline(  # noqa: E731
        order_id=order.pk, reason="Friend cancelled", actor=Actor.staff(staff_user("customer_service"))
    )
    for day in range(1, 13):
        moment = START + dt.timedelta(days=day)
        with time_machine.travel(moment, tick=False):
            if day == cancel_on_day:
                commit(cancel)
            commit(lambda: tasks.referral_rewards_earn_due.delay())
            tasks.referral_clawbacks_flag.delay()
    referral = Referral.objects.get(friend=friend)
    rewards = Reward.objects.filter(customer=customer, kind="referrer")
    assert rewards.exists() is earned
    if earned:
        reward = rewards.get()
        assert (reward.issued_at.date(), reward.expires_on) == (dt.date(2026, 3, 12), dt.date(2026, 6, 12))
        assert Message.objects.get(kind="referral_reward_earned").recipient == customer.email
        assert referral.clawback_flagged_at is not None  # cancelled after it was earned: staff look at it
    else:
        assert referral.status == Referral.Status.CANCELLED
        assert not Message.objects.filter(kind="referral_reward_earned").exists()


def test_x3_the_6th_reward_in_a_rolling_24_hours_is_refused_with_the_reason(invitation, gift):
    with time_machine.travel(START, tick=False):
        for _ in range(6):
            _refer(invitation, gift)
    _earn_on(START + dt.timedelta(days=10))
    statuses = sorted(Referral.objects.values_list("status", flat=True))
    assert statuses == ["earned"] * 5 + ["refused"]
    assert "at most 5 rewards in any 24 hours" in Referral.objects.get(status="refused").refused_reason
    _earn_on(START + dt.timedelta(days=11, hours=1))  # refused stays refused: nothing earned twice
    assert Reward.objects.filter(kind="referrer").count() == 5


def test_x3_the_26th_reward_in_12_months_is_refused(customer, gift):
    for week in range(26):  # one friend a week, the referrer joining again when an invitation runs out
        moment = START + dt.timedelta(weeks=week)
        with time_machine.travel(moment, tick=False):
            _refer(referral_join(customer=customer, actor=Actor.customer(customer.user)), gift)
        _earn_on(moment + dt.timedelta(days=10))
    assert Reward.objects.filter(kind="referrer").count() == 25
    assert "at most 25 rewards in 12 months" in Referral.objects.get(status="refused").refused_reason


def test_x3_the_reward_that_would_cross_1500_pounds_in_12_months_is_refused(invitation, gift):
    ReferralScheme.objects.filter(pk=referral_scheme_get().pk).update(referrer_reward_pence=40000)
    for day in range(0, 12, 3):
        with time_machine.travel(START + dt.timedelta(days=day), tick=False):
            _refer(invitation, gift)
    for day in range(10, 24, 3):
        _earn_on(START + dt.timedelta(days=day))
    assert list(Reward.objects.filter(kind="referrer").values_list("amount_pence", flat=True)) == [40000] * 3
    refused = Referral.objects.get(status="refused")
    assert "limited to £1,500.00 in 12 months; £1,200.00 already earned" in refused.refused_reason


def test_x3_staff_refuse_a_reward_with_a_reason_and_it_can_no_longer_be_used(invitation, gift, staff_user):
    friend = _friend()
    reward = referral_claim(friend=friend, token=invitation.token, actor=Actor.customer(friend.user)).rewards.get()
    marketing = Actor.staff(staff_user("marketing"))
    reward_refuse(reward_id=reward.pk, reason="Bulk sign-ups from one household", actor=marketing)
    with pytest.raises(RuleViolation) as refused:
        order_with(friend, (gift, 2), referral=reward.code)
    assert refused.value.rule == errors.REWARD_NOT_AVAILABLE
    assert "Bulk sign-ups" in Reward.objects.get(pk=reward.pk).refused_reason


def test_x3_the_customer_sees_their_rewards_and_expiry_dates(customer, invitation, gift):
    with time_machine.travel(START, tick=False):
        _refer(invitation, gift)
    _earn_on(START + dt.timedelta(days=10))
    rewards = _api(customer).get("/api/v1/me/referral/").json()["rewards"]
    assert [(r["kind"], r["amount_pence"], r["expires_on"], r["status"]) for r in rewards] == [
        ("referrer", 1000, "2026-06-12", "available")
    ]


def test_x3_r4_a_returned_line_gives_back_its_share_of_the_friends_reward(commit, invitation, gift, shop):
    box = ProductFactory(range=gift.range, price_pence=3000, stock=10)
    friend = _friend()
    client = _api(friend)
    placed = commit(lambda: client.post(
        "/api/v1/orders/", _order_body((gift, 2), (box, 1), referral=invitation.token), format="json"
    )).json()
    assert [line["discount_pence"] for line in placed["lines"]] == [625, 375]  # £10 over £50 and £30
    order = Order.objects.get(pk=placed["id"])
    commit(lambda: bank_receipt_record(
        reference=f"MINT-{order.pk}", amount_pence=order_money(order_id=order.pk)["outstanding_pence"],
        received_on=dt.date.today(), method="bank_transfer", actor=Actor.system(),
    ))
    deliver(commit, order)
    box_line = order.lines.get(product=box)
    response = commit(lambda: client.post(
        "/api/v1/me/cancellations/", {"order_id": order.pk, "line_ids": [box_line.pk]}, format="json"
    ))
    assert response.status_code == 201, response.json()
    cancellation = Cancellation.objects.get(order=order)
    assert (cancellation.goods_pence, cancellation.discount_pence, cancellation.delivery_pence) == (3000, 375, 0)
    assert cancellation.refund_pence == 2625


def test_x3_the_referrer_uses_their_reward_on_a_gifts_order_and_finance_sees_it_in_the_ledger(
    commit, customer, invitation, gift
):
    with time_machine.travel(START, tick=False):
        _refer(invitation, gift)
    _earn_on(START + dt.timedelta(days=10))
    reward = Reward.objects.get(customer=customer, kind="referrer")
    with time_machine.travel(START + dt.timedelta(days=20), tick=False):
        placed = commit(lambda: _api(customer).post(
            "/api/v1/orders/", _order_body((gift, 2), referral=reward.code.lower()), format="json"
        ))
    assert placed.status_code == 201, placed.json()
    assert [line["discount_pence"] for line in placed.json()["lines"]] == [1000]
    assert Reward.objects.get(pk=reward.pk).status == "used"
    entry = LedgerEntry.objects.get(order_id=placed.json()["id"], kind=LedgerEntry.Kind.DISCOUNT)
    assert (entry.amount_pence, entry.reference) == (1000, "Referrer's reward")
