import datetime as dt

from django.conf import settings
from django.db.models import QuerySet

from catalogue.models import DeliveryOption, Product, TermsVersion


def product_list_for_sale():
    """What customers browse: every product not withdrawn (P3), pre-sale ones included (P5)."""
    return Product.objects.filter(withdrawn_at__isnull=True).select_related("range").order_by("range__name", "sku")


def product_price_history(*, product_id: int):
    """P7: each price the product has had and when it took effect, newest first."""
    return (
        Product.history.filter(id=product_id)
        .order_by("-history_date", "-history_id")
        .values("price_pence", "history_date", "history_change_reason")
    )


def delivery_option_list_active():
    return DeliveryOption.objects.filter(active=True).order_by("region", "charge_pence", "code")


def delivery_option_standard_charge(*, region: str) -> int:
    """The cheapest active option in the region: the base that a supplement is counted from (P2)."""
    option = DeliveryOption.objects.filter(region=region, active=True).order_by("charge_pence").first()
    return option.charge_pence if option else 0


def terms_published_by(*, placed_at: dt.datetime) -> dt.datetime:
    """P8: the latest a version can have been published to be in force for an order placed then."""
    return placed_at - dt.timedelta(hours=settings.MINT_TERMS_NOTICE_HOURS)


def terms_versions_in_force(*, placed_at: dt.datetime) -> QuerySet[TermsVersion]:
    """P8: versions published at least 24 hours (a setting) before the order, newest first."""
    return TermsVersion.objects.filter(published_at__lte=terms_published_by(placed_at=placed_at)).order_by(
        "-published_at"
    )


def terms_version_for(*, placed_at: dt.datetime) -> TermsVersion | None:
    """P8: the newest version published at least 24 hours (a setting) before the order."""
    return terms_versions_in_force(placed_at=placed_at).first()
