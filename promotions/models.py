"""Promo codes (X1), their redemptions on orders (X2) and the refer-a-friend scheme (X3).

Orders sit above promotions, so a redemption names its order by id, never by a foreign key.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class PromoCode(models.Model):
    """X1: a code with its terms, dates, scope, minimum spend and limits; withdrawable at any time."""

    class Kind(models.TextChoices):
        FIXED = "fixed", "Fixed amount off"
        PERCENTAGE = "percentage", "Percentage off"
        FREE_DELIVERY = "free_delivery", "Free standard delivery"
        BENEFIT = "benefit", "A benefit (gift or service)"

    code = models.CharField(max_length=40, unique=True, help_text="Stored in capitals; customers may type any case")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount_pence = models.PositiveIntegerField(default=0, help_text="Fixed codes: the amount off")
    percent = models.PositiveSmallIntegerField(default=0, help_text="Percentage codes: 1 to 100")
    benefit = models.CharField(max_length=200, blank=True, help_text="Benefit codes: what the customer gets")
    terms = models.TextField(help_text="The code's own terms, as advertised (T&C 8.2(a))")
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ranges = models.ManyToManyField("catalogue.Range", blank=True, related_name="+", help_text="None: every range")
    products = models.ManyToManyField("catalogue.Product", blank=True, related_name="+")
    min_spend_pence = models.PositiveIntegerField(default=0, help_text="On the goods in scope, postage excluded")
    max_uses = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit")
    max_uses_per_customer = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit")
    channels = models.JSONField(default=list, blank=True, help_text="web, phone, post; empty: every channel")
    affiliate = models.BooleanField(default=False, help_text="Obtained through an affiliate (X3: not with a reward)")
    uses = models.PositiveIntegerField(default=0)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at", "code"]
        permissions = [("withdraw_promocode", "Can withdraw a promo code")]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")), name="promocode_uses_within_limit"
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="promocode_percent_at_most_100"),
            models.CheckConstraint(condition=Q(expires_at__gt=F("starts_at")), name="promocode_expires_after_start"),
        ]

    def __str__(self) -> str:
        return self.code


class ReferralScheme(models.Model):
    """X3: the scheme's amounts and limits, one row staff change in the admin (T&C 18.7)."""

    friend_reward_pence = models.PositiveIntegerField()
    friend_min_spend_pence = models.PositiveIntegerField()
    friend_reward_valid_days = models.PositiveIntegerField()
    referrer_reward_pence = models.PositiveIntegerField()
    referrer_min_spend_pence = models.PositiveIntegerField()
    referrer_reward_valid_months = models.PositiveIntegerField()
    invitation_valid_months = models.PositiveIntegerField()
    earn_after_days = models.PositiveIntegerField(help_text="Days after the friend's purchase")
    max_rewards_per_24_hours = models.PositiveIntegerField()
    max_rewards_per_12_months = models.PositiveIntegerField()
    max_reward_value_per_12_months_pence = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="referralscheme_single_row")]

    def __str__(self) -> str:
        return "Refer a friend: amounts and limits"


class ReferralInvitation(models.Model):
    """X3: a referrer joined the scheme; their invitation can be shared until `expires_on`."""

    referrer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=40, unique=True)
    joined_at = models.DateTimeField()
    expires_on = models.DateField(help_text="Last London day the invitation can be taken up")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-joined_at"]

    def __str__(self) -> str:
        return f"Invitation {self.token}"


class Referral(models.Model):
    """X3: a friend took up an invitation; the referrer's reward waits on the friend's first gifts order."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", "Friend's reward issued"
        PURCHASED = "purchased", "Friend bought; referrer's reward pending"
        EARNED = "earned", "Referrer's reward earned"
        CANCELLED = "cancelled", "Friend's order cancelled before the reward was earned"
        REFUSED = "refused", "Referrer's reward refused"

    invitation = models.ForeignKey(ReferralInvitation, on_delete=models.PROTECT, related_name="referrals")
    referrer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    friend = models.OneToOneField("customers.Customer", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CLAIMED)
    claimed_at = models.DateTimeField()
    order_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="The friend's first gifts order")
    order_line_ids = models.JSONField(default=list, blank=True, help_text="Its gifts lines")
    purchased_at = models.DateTimeField(null=True, blank=True)
    earn_on = models.DateField(null=True, blank=True)
    refused_reason = models.TextField(blank=True, help_text="Why the referrer's reward was not issued")
    # Clawback: the friend's order was cancelled after the referrer's reward was earned.
    clawback_flagged_at = models.DateTimeField(null=True, blank=True)
    clawback_resolved_at = models.DateTimeField(null=True, blank=True)
    clawback_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-claimed_at"]
        permissions = [
            ("refuse_referral", "Can refuse a referral reward"),
            ("resolve_clawback", "Can resolve a referral clawback"),
        ]

    def __str__(self) -> str:
        return f"Referral of customer {self.friend_id} by {self.referrer_id}"


class Reward(models.Model):
    """X3: £10 off a gifts order of £50 or more, for the friend or the referrer, until `expires_on`."""

    class Kind(models.TextChoices):
        FRIEND = "friend", "Referred friend's reward"
        REFERRER = "referrer", "Referrer's reward"

    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        USED = "used", "Used"
        REFUSED = "refused", "Refused by the mint"

    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="rewards")
    amount_pence = models.PositiveIntegerField()
    min_spend_pence = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    expires_on = models.DateField(help_text="Last London day it can be used")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    refused_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "kind"], name="reward_one_of_each_kind_per_referral"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"


class Redemption(models.Model):
    """A code or reward used on an order, and what it took off (X2: the lines carry the shares)."""

    promo_code = models.ForeignKey(
        PromoCode, null=True, blank=True, on_delete=models.PROTECT, related_name="redemptions"
    )
    reward = models.OneToOneField(Reward, null=True, blank=True, on_delete=models.PROTECT, related_name="redemption")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    order_id = models.PositiveBigIntegerField(db_index=True)
    channel = models.CharField(max_length=10)
    discount_pence = models.PositiveIntegerField(default=0, help_text="Off the goods, spread over the lines")
    delivery_discount_pence = models.PositiveIntegerField(default=0)
    benefit = models.CharField(max_length=200, blank=True)
    redeemed_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-redeemed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(promo_code__isnull=True) ^ Q(reward__isnull=True), name="redemption_code_or_reward"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.promo_code or self.reward} on order {self.order_id}"

    @property
    def label(self) -> str:
        if self.promo_code_id:
            return f"Promo code {self.promo_code.code}"
        return self.reward.get_kind_display()


def referral_scheme_defaults() -> dict:
    """DOMAIN.md X3's numbers, from settings; the row staff edit starts from these."""
    return {
        "friend_reward_pence": settings.MINT_REFERRAL_FRIEND_REWARD_PENCE,
        "friend_min_spend_pence": settings.MINT_REFERRAL_FRIEND_MIN_SPEND_PENCE,
        "friend_reward_valid_days": settings.MINT_REFERRAL_FRIEND_REWARD_VALID_DAYS,
        "referrer_reward_pence": settings.MINT_REFERRAL_REFERRER_REWARD_PENCE,
        "referrer_min_spend_pence": settings.MINT_REFERRAL_REFERRER_MIN_SPEND_PENCE,
        "referrer_reward_valid_months": settings.MINT_REFERRAL_REFERRER_REWARD_VALID_MONTHS,
        "invitation_valid_months": settings.MINT_REFERRAL_INVITATION_VALID_MONTHS,
        "earn_after_days": settings.MINT_REFERRAL_EARN_AFTER_DAYS,
        "max_rewards_per_24_hours": settings.MINT_REFERRAL_MAX_REWARDS_PER_24_HOURS,
        "max_rewards_per_12_months": settings.MINT_REFERRAL_MAX_REWARDS_PER_12_MONTHS,
        "max_reward_value_per_12_months_pence": settings.MINT_REFERRAL_MAX_REWARD_VALUE_PER_12_MONTHS_PENCE,
    }
