import pytest
from rest_framework.test import APIClient

from tests.catalogue.factories import DeliveryOptionFactory
from tests.factories import ProductFactory, RangeFactory

pytestmark = pytest.mark.django_db


def test_p1_products_are_browsed_with_their_range():
    ProductFactory(range=RangeFactory(code="medals", name="Medals"), sku="MEDAL-1")
    body = APIClient().get("/api/v1/products/").json()
    assert [(p["sku"], p["range"]) for p in body["results"]] == [("MEDAL-1", "medals")]


def test_p6_personalised_and_hygiene_sealed_products_say_so_before_ordering():
    ProductFactory(sku="A", personalisable=True)
    ProductFactory(sku="B", hygiene_sealed=True)
    ProductFactory(sku="C")
    reasons = {p["sku"]: p["not_cancellable_reason"] for p in APIClient().get("/api/v1/products/").json()["results"]}
    assert "Personalised" in reasons["A"] and "Hygiene-sealed" in reasons["B"] and reasons["C"] == ""
    assert "without engraving they can" in reasons["A"] and "once the seal is broken" in reasons["B"]  # by the line


def test_p2_delivery_options_show_standard_and_premium_charges():
    DeliveryOptionFactory()
    DeliveryOptionFactory(code="uk-premium", name="UK next day", premium=True, charge_pence=995)
    options = APIClient().get("/api/v1/delivery-options/").json()
    assert [(o["code"], o["premium"], o["charge_pence"]) for o in options] == [
        ("uk-standard", False, 395),
        ("uk-premium", True, 995),
    ]
