"""Marketing manage codes and the scheme in the admin, see redemptions, and withdraw codes (X1, X3)."""

from django.test import Client

from orders.models import Order
from promotions.models import PromoCode, ReferralScheme
from tests.promotions.factories import PromoCodeFactory, order_with


def _client(staff_user, role):
    client = Client()
    client.force_login(staff_user(role))
    return client


def test_x1_marketing_add_a_code_and_see_its_redemptions(staff_user, customer, gift):
    client = _client(staff_user, "marketing")
    response = client.post("/admin/promotions/promocode/add/", {
        "code": "spring10", "kind": "fixed", "amount_pence": 1000, "percent": 0, "terms": "£10 off in spring",
        "starts_at_0": "2020-01-01", "starts_at_1": "00:00:00", "expires_at_0": "2099-01-01",
        "expires_at_1": "00:00:00", "min_spend_pence": 0, "channels": ["web"],
        "redemptions-TOTAL_FORMS": 0, "redemptions-INITIAL_FORMS": 0,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    code = PromoCode.objects.get(code="SPRING10")
    order = order_with(customer, (gift, 1), code="spring10")
    page = client.get(f"/admin/promotions/promocode/{code.pk}/change/")
    assert str(order.pk) in page.content.decode()
    assert client.get("/admin/promotions/redemption/").status_code == 200


def test_x1_marketing_withdraw_a_code_with_a_reason_and_finance_cannot(staff_user):
    code = PromoCodeFactory()
    refused = _client(staff_user, "finance").get("/admin/promotions/promocode/")
    assert refused.status_code == 403
    _client(staff_user, "marketing").post(
        "/admin/promotions/promocode/", {"action": "withdraw", "_selected_action": [code.pk], "reason": "Misprint"}
    )
    code.refresh_from_db()
    assert code.withdrawn_at is not None and code.withdrawn_reason.startswith("Misprint")


def test_x3_marketing_change_the_schemes_amounts_and_limits(staff_user):
    client = _client(staff_user, "marketing")
    assert client.get("/admin/promotions/referralscheme/").status_code == 200
    scheme = ReferralScheme.objects.get()
    assert (scheme.friend_reward_pence, scheme.max_rewards_per_24_hours) == (1000, 5)  # DOMAIN.md's defaults
    fields = {f.name: getattr(scheme, f.name) for f in ReferralScheme._meta.fields if f.name != "id"}
    url = f"/admin/promotions/referralscheme/{scheme.pk}/change/"
    response = client.post(url, {**fields, "friend_reward_pence": 1500})
    assert response.status_code == 302
    assert ReferralScheme.objects.get().friend_reward_pence == 1500


def test_x1_customer_service_key_a_phone_order_with_a_code_and_a_refused_code_names_x1(staff_user, customer, gift):
    PromoCodeFactory(code="PHONE5", channels=["phone"])
    client = _client(staff_user, "customer_service")
    form = {
        "customer": customer.pk, "channel": "phone", "lines": f"{gift.sku} 2", "payment_method": "bank_transfer",
        "delivery_option": "uk-standard", "delivery_name": "Ada", "delivery_address": "1 Mint St",
        "delivery_postcode": "SW1A 1AA", "delivery_country": "GB",
    }
    refused = client.post("/admin/orders/order/key/", {**form, "channel": "post", "promo_code": "PHONE5"})
    assert refused.status_code == 200 and b"(X1)" in refused.content
    assert not Order.objects.exists()
    response = client.post("/admin/orders/order/key/", {**form, "promo_code": "phone5"})
    assert response.status_code == 302, response.content
    assert [line.discount_pence for line in Order.objects.get().lines.all()] == [500]
