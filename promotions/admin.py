"""Marketing's screens: codes (X1), redemptions, the scheme's amounts and limits, referrals and rewards (X3).

Admin actions call services; redemptions, rewards and referrals are written only by them.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from simple_history.admin import SimpleHistoryAdmin

from mint_shop.actors import Actor, Channel
from mint_shop.errors import RuleViolation
from promotions import services
from promotions.models import PromoCode, Redemption, Referral, ReferralInvitation, ReferralScheme, Reward
from promotions.selectors import referral_scheme_get


class ReasonActionForm(ActionForm):
    reason = forms.CharField(required=False, help_text="Withdraw, refuse or clawback: the reason or what was done")


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Rows only services write: staff see them, and act through the actions."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


def _run(modeladmin, request, queryset, call, done: str) -> None:
    """Call `call(obj, reason, actor)` for each chosen row; refusals are shown, naming the rule."""
    reason = request.POST.get("reason", "")
    actor = Actor.staff(request.user, channel=Channel.SYSTEM)
    for obj in queryset:
        try:
            call(obj, reason, actor)
        except RuleViolation as exc:
            modeladmin.message_user(request, f"{obj}: {exc.detail} ({exc.rule.rule})", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{obj}: {done}.", messages.SUCCESS)


class PromoCodeForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        choices=[(c, c.title()) for c in (Channel.WEB, Channel.PHONE, Channel.POST)],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every channel",
    )

    class Meta:
        model = PromoCode
        fields = [
            "code", "kind", "amount_pence", "percent", "benefit", "terms", "starts_at", "expires_at", "ranges",
            "products", "min_spend_pence", "max_uses", "max_uses_per_customer", "channels", "affiliate",
        ]

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class RedemptionInline(admin.TabularInline):
    model = Redemption
    fk_name = "promo_code"
    extra = 0
    can_delete = False
    fields = ["order_id", "customer", "channel", "discount_pence", "delivery_discount_pence", "redeemed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PromoCode)
class PromoCodeAdmin(SimpleHistoryAdmin):
    form = PromoCodeForm
    list_display = ["code", "kind", "starts_at", "expires_at", "uses", "max_uses", "withdrawn_at"]
    list_filter = ["kind", "affiliate", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["code"]
    filter_horizontal = ["ranges", "products"]
    readonly_fields = ["uses", "withdrawn_at", "withdrawn_reason"]
    inlines = [RedemptionInline]
    action_form = ReasonActionForm
    actions = ["withdraw"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Withdraw the code (X1)", permissions=["withdraw"])
    def withdraw(self, request, queryset):
        _run(self, request, queryset, lambda c, reason, actor: services.promo_code_withdraw(
            code_id=c.pk, reason=reason, actor=actor), "withdrawn")

    def has_withdraw_permission(self, request) -> bool:
        return request.user.has_perm("promotions.withdraw_promocode")


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ["redeemed_at", "order_id", "customer", "promo_code", "reward", "channel", "discount_pence",
                    "delivery_discount_pence", "benefit"]
    list_filter = ["channel", "promo_code"]
    search_fields = ["order_id", "promo_code__code", "reward__code", "customer__email"]
    list_select_related = ["customer", "promo_code", "reward"]


@admin.register(ReferralScheme)
class ReferralSchemeAdmin(SimpleHistoryAdmin):
    """The one row of amounts and limits (T&C 18.7): marketing change it, nobody adds or deletes one."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        referral_scheme_get()  # the row exists from the first visit, with the settings' defaults
        return super().get_queryset(request)


@admin.register(ReferralInvitation)
class ReferralInvitationAdmin(ReadOnlyAdmin):
    list_display = ["token", "referrer", "joined_at", "expires_on"]
    search_fields = ["token", "referrer__email"]
    list_select_related = ["referrer"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["friend", "referrer", "status", "purchased_at", "earn_on", "refused_reason",
                    "clawback_flagged_at", "clawback_resolved_at"]
    list_filter = ["status", ("clawback_flagged_at", admin.EmptyFieldListFilter),
                   ("clawback_resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["friend__email", "referrer__email", "order_id"]
    list_select_related = ["friend", "referrer"]
    action_form = ReasonActionForm
    actions = ["refuse", "resolve_clawback"]

    @admin.action(description="Refuse the referrer's reward (T&C 18.6)", permissions=["refuse"])
    def refuse(self, request, queryset):
        _run(self, request, queryset, lambda r, reason, actor: services.referral_refuse(
            referral_id=r.pk, reason=reason, actor=actor), "refused")

    @admin.action(description="Resolve the clawback", permissions=["resolve_clawback"])
    def resolve_clawback(self, request, queryset):
        _run(self, request, queryset, lambda r, note, actor: services.referral_clawback_resolve(
            referral_id=r.pk, note=note, actor=actor), "resolved")

    def has_refuse_permission(self, request) -> bool:
        return request.user.has_perm("promotions.refuse_referral")

    def has_resolve_clawback_permission(self, request) -> bool:
        return request.user.has_perm("promotions.resolve_clawback")


@admin.register(Reward)
class RewardAdmin(ReadOnlyAdmin):
    list_display = ["code", "kind", "customer", "amount_pence", "issued_at", "expires_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["code", "customer__email"]
    list_select_related = ["customer"]
    action_form = ReasonActionForm
    actions = ["refuse"]

    @admin.action(description="Refuse the reward (T&C 18.6)", permissions=["refuse"])
    def refuse(self, request, queryset):
        _run(self, request, queryset, lambda r, reason, actor: services.reward_refuse(
            reward_id=r.pk, reason=reason, actor=actor), "refused")

    def has_refuse_permission(self, request) -> bool:
        return request.user.has_perm("promotions.refuse_referral")
