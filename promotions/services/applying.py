"""X1–X3 at the till: check a promo code and a referral reward against an order, spread what
they take off over its lines to the penny (X2), and record their use.

Orders call `promotions_apply` inside the placing transaction, before the order exists, and
`promotions_redeem` once it does. A refusal raises `RuleViolation` and the whole placement
rolls back, so a code that does not apply leaves nothing written. The code's row is locked
(after the customer, before the products: one order for every placement, so no deadlock),
which makes its use count exact whatever the concurrency.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F

from catalogue.models import Range
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from mint_shop.money import allocate_pence, format_pence
from notifications.services import message_queue
from promotions import errors
from promotions.models import PromoCode, Redemption, Referral, Reward
from promotions.selectors import referral_scheme_get
from promotions.services.eligibility import friend_claim


@dataclass(frozen=True)
class PromotionRequest:
    """What the customer typed: a promo code, and a referral (their reward's code or an invitation)."""

    code: str = ""
    referral: str = ""


@dataclass(frozen=True)
class PricedLine:
    product_id: int
    range_id: int
    goods_pence: int  # quantity x unit price


@dataclass
class Applied:
    """One code or reward on the order: what it takes off each line and the delivery."""

    label: str
    line_shares: list[int]
    delivery_discount_pence: int = 0
    benefit: str = ""
    promo_code: PromoCode | None = None
    reward: Reward | None = None

    @property
    def discount_pence(self) -> int:
        return sum(self.line_shares)


@dataclass
class Promotions:
    customer: object
    channel: str
    lines: list[PricedLine]
    applied: list[Applied] = field(default_factory=list)
    gift_lines: list[bool] = field(default_factory=list)  # in the referral scheme's range (X3)

    @property
    def line_discounts(self) -> list[int]:
        return [sum(shares) for shares in zip(*(a.line_shares for a in self.applied), strict=True)] or [
            0 for _ in self.lines
        ]

    @property
    def delivery_discount_pence(self) -> int:
        return sum(a.delivery_discount_pence for a in self.applied)

    def acknowledgment_lines(self) -> list[str]:
        """Each discount, as the acknowledgment shows it (X1)."""
        rows = []
        for a in self.applied:
            parts = [f"{format_pence(a.discount_pence)} off"] if a.discount_pence else []
            if a.delivery_discount_pence:
                parts.append(f"{format_pence(a.delivery_discount_pence)} off delivery")
            if a.benefit:
                parts.append(a.benefit)
            rows.append(f"{a.label}: {', '.join(parts) or 'applied'}.")
        return rows


def _in_scope(code: PromoCode, lines: list[PricedLine]) -> list[bool]:
    range_ids = set(code.ranges.values_list("pk", flat=True))
    product_ids = set(code.products.values_list("pk", flat=True))
    if not range_ids and not product_ids:
        return [True for _ in lines]
    return [line.range_id in range_ids or line.product_id in product_ids for line in lines]


def _code_lock(text: str) -> PromoCode:
    code = PromoCode.objects.select_for_update().filter(code=text.strip().upper()).first()
    if code is None:
        raise RuleViolation(errors.CODE_UNKNOWN, f"There is no promo code {text.strip()!r}.")
    return code


def _code_check(*, code: PromoCode, customer, channel: str, now) -> None:
    if code.withdrawn_at is not None and code.withdrawn_at <= now:
        raise RuleViolation(errors.CODE_WITHDRAWN, f"{code.code} has been withdrawn.")
    if now < code.starts_at:
        raise RuleViolation(errors.CODE_NOT_STARTED, f"{code.code} cannot be used before {code.starts_at:%d %B %Y}.")
    if now >= code.expires_at:
        raise RuleViolation(errors.CODE_EXPIRED, f"{code.code} expired on {code.expires_at:%d %B %Y}.")
    if code.channels and channel not in code.channels:
        raise RuleViolation(errors.CODE_WRONG_CHANNEL, f"{code.code} cannot be used on a {channel} order.")
    if code.max_uses is not None and code.uses >= code.max_uses:
        raise RuleViolation(errors.CODE_USED_UP, f"{code.code} has been used as many times as it allows.")
    if code.max_uses_per_customer is not None:
        used = Redemption.objects.filter(promo_code=code, customer=customer).count()
        if used >= code.max_uses_per_customer:
            raise RuleViolation(errors.CODE_CUSTOMER_LIMIT, f"You have used {code.code} as many times as it allows.")


def _code_apply(*, code: PromoCode, lines: list[PricedLine], scope: list[bool], delivery) -> Applied:
    in_scope_goods = sum(line.goods_pence for line, inside in zip(lines, scope, strict=True) if inside)
    if not in_scope_goods:
        raise RuleViolation(errors.CODE_OUT_OF_SCOPE, f"{code.code} does not apply to anything in this order.")
    if in_scope_goods < code.min_spend_pence:
        raise RuleViolation(
            errors.CODE_MINIMUM_SPEND,
            f"{code.code} needs {format_pence(code.min_spend_pence)} spent on the items it covers, postage "
            f"excluded; this order has {format_pence(in_scope_goods)}.",
        )
    weights = [line.goods_pence if inside else 0 for line, inside in zip(lines, scope, strict=True)]
    amount, delivery_off = 0, 0
    if code.kind == PromoCode.Kind.FIXED:
        amount = min(code.amount_pence, in_scope_goods)
    elif code.kind == PromoCode.Kind.PERCENTAGE:
        amount = in_scope_goods * code.percent // 100
    elif code.kind == PromoCode.Kind.FREE_DELIVERY:
        charge, standard = delivery
        delivery_off = min(charge, standard)  # a dearer option still pays its supplement
    return Applied(
        label=f"Promo code {code.code}",
        line_shares=allocate_pence(amount, weights),
        delivery_discount_pence=delivery_off,
        benefit=code.benefit if code.kind == PromoCode.Kind.BENEFIT else "",
        promo_code=code,
    )


def _reward_lock(*, customer, text: str, now) -> Reward:
    """The customer's own reward by its code or its invitation, or a friend's new one (X3)."""
    text = text.strip()
    mine = Reward.objects.select_for_update(of=("self",)).filter(customer=customer)
    reward = (
        mine.filter(code=text.upper()).first()
        or mine.filter(kind=Reward.Kind.FRIEND, referral__invitation__token=text).first()
    )
    if reward is None:
        referral = friend_claim(friend=customer, token=text, now=now)
        reward = mine.get(referral=referral, kind=Reward.Kind.FRIEND)
    if reward.status != Reward.Status.AVAILABLE:
        raise RuleViolation(
            errors.REWARD_NOT_AVAILABLE, f"Reward {reward.code} is {reward.get_status_display().lower()}."
        )
    if clock.london_date(now) > reward.expires_on:
        raise RuleViolation(errors.REWARD_EXPIRED, f"Reward {reward.code} expired on {reward.expires_on:%d %B %Y}.")
    return reward


def _reward_apply(
    *, reward: Reward, lines: list[PricedLine], gifts: list[bool], already: list[int], code_scope
) -> Applied:
    if code_scope is not None:
        code, scope = code_scope
        if code.affiliate:
            raise RuleViolation(
                errors.REWARD_NOT_COMBINABLE, f"A referral reward cannot be used with an affiliate code ({code.code})."
            )
        if any(inside and gift for inside, gift in zip(scope, gifts, strict=True)):
            raise RuleViolation(
                errors.REWARD_NOT_COMBINABLE,
                f"A referral reward cannot be used with another code on gifts-range items ({code.code}).",
            )
    gifts_goods = sum(line.goods_pence for line, gift in zip(lines, gifts, strict=True) if gift)
    if gifts_goods < reward.min_spend_pence:
        raise RuleViolation(
            errors.REWARD_MINIMUM_SPEND,
            f"A referral reward needs {format_pence(reward.min_spend_pence)} spent on the gifts range, postage "
            f"excluded; this order has {format_pence(gifts_goods)}.",
        )
    # What earlier discounts left of each gifts line, so no line ever goes below zero.
    weights = [line.goods_pence - off if gift else 0 for line, off, gift in zip(lines, already, gifts, strict=True)]
    amount = min(reward.amount_pence, sum(weights))
    return Applied(label=reward.get_kind_display(), line_shares=allocate_pence(amount, weights), reward=reward)


def promotions_apply(
    *,
    customer,
    request: PromotionRequest | None,
    channel: str,
    lines: list[PricedLine],
    delivery_pence: int = 0,
    standard_delivery_pence: int = 0,
) -> Promotions:
    """Check the code and the reward against the order and work out every line's share (X1–X3)."""
    promotions = Promotions(customer=customer, channel=channel, lines=lines)
    if request is None or not (request.code.strip() or request.referral.strip()):
        return promotions
    now = clock.now()
    with transaction.atomic(savepoint=False):
        code_scope = None
        if request.code.strip():
            code = _code_lock(request.code)
            _code_check(code=code, customer=customer, channel=channel, now=now)
            scope = _in_scope(code, lines)
            promotions.applied.append(
                _code_apply(code=code, lines=lines, scope=scope, delivery=(delivery_pence, standard_delivery_pence))
            )
            code_scope = (code, scope)
        if request.referral.strip():
            reward = _reward_lock(customer=customer, text=request.referral, now=now)
            gifts_range = Range.objects.filter(code=settings.MINT_REFERRAL_RANGE).values_list("pk", flat=True).first()
            promotions.gift_lines = [line.range_id == gifts_range for line in lines]
            promotions.applied.append(
                _reward_apply(
                    reward=reward,
                    lines=lines,
                    gifts=promotions.gift_lines,
                    already=promotions.line_discounts,
                    code_scope=code_scope,
                )
            )
    return promotions


def _tell_referrer_friend_bought(referral: Referral) -> None:
    """T&C 18.4(f): the referrer is told when the friend buys. A notice the scheme promises: a service message."""
    earn_on = referral.earn_on
    message_queue(
        channel="email",
        kind="referral_friend_bought",
        recipient=referral.referrer.email,
        subject="A friend you referred has placed an order",
        body=(
            "A friend you invited to the Refer a Friend scheme has placed their first gifts order.\n"
            f"If it is not cancelled, your reward will be issued on {earn_on:%d %B %Y}."
        ),
        dedupe_key=f"referral:{referral.pk}:friend_bought",
        customer=referral.referrer,
    )


def promotions_redeem(*, promotions: Promotions, order_id: int, line_ids: list[int], actor: Actor) -> list[Redemption]:
    """Record each code and reward used on the placed order; count the code's use; start the referral's clock."""
    if not promotions.applied:
        return []
    now = clock.now()
    redemptions = []
    with transaction.atomic(savepoint=False):
        for a in promotions.applied:
            redemptions.append(
                Redemption.objects.create(
                    promo_code=a.promo_code,
                    reward=a.reward,
                    customer=promotions.customer,
                    order_id=order_id,
                    channel=promotions.channel,
                    discount_pence=a.discount_pence,
                    delivery_discount_pence=a.delivery_discount_pence,
                    benefit=a.benefit,
                    redeemed_at=now,
                )
            )
            if a.promo_code is not None:
                PromoCode.objects.filter(pk=a.promo_code.pk).update(uses=F("uses") + 1)
            if a.reward is not None:
                a.reward.status = Reward.Status.USED
                a.reward.save(update_fields=["status"])
                if a.reward.kind == Reward.Kind.FRIEND:
                    _friend_purchased(
                        reward=a.reward, promotions=promotions, order_id=order_id, line_ids=line_ids, now=now
                    )
    return redemptions


def _friend_purchased(*, reward: Reward, promotions: Promotions, order_id: int, line_ids: list[int], now) -> None:
    """X3: the friend's first gifts order; the referrer's reward falls due after the waiting days."""
    referral = Referral.objects.select_for_update().select_related("referrer").get(pk=reward.referral_id)
    referral.status = Referral.Status.PURCHASED
    referral.order_id = order_id
    referral.order_line_ids = [
        line_id for line_id, gift in zip(line_ids, promotions.gift_lines, strict=True) if gift
    ]
    referral.purchased_at = now
    referral.earn_on = clock.days_after(clock.london_date(now), referral_scheme_get().earn_after_days)
    referral.save(update_fields=["status", "order_id", "order_line_ids", "purchased_at", "earn_on"])
    _tell_referrer_friend_bought(referral)
