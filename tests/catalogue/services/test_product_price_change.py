import pytest

from catalogue.selectors import product_list_for_sale, product_price_history
from catalogue.services import product_price_change, product_withdraw
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_p7_every_price_the_product_had_is_kept_with_who_changed_it():
    product = ProductFactory(price_pence=52000)
    staff = Actor.staff(UserFactory(username="pricing", is_staff=True))
    product_price_change(product_id=product.pk, price_pence=53500, actor=staff)
    product_price_change(product_id=product.pk, price_pence=51000, actor=staff)
    history = list(product_price_history(product_id=product.pk))
    assert [row["price_pence"] for row in history] == [51000, 53500, 52000]
    assert "pricing" in history[0]["history_change_reason"]


def test_p2_a_price_must_be_positive_pence():
    product = ProductFactory()
    with pytest.raises(RuleViolation):
        product_price_change(product_id=product.pk, price_pence=0, actor=Actor.system())


def test_p3_a_withdrawn_product_leaves_the_catalogue():
    kept, withdrawn = ProductFactory(), ProductFactory()
    product_withdraw(product_id=withdrawn.pk, actor=Actor.system())
    assert list(product_list_for_sale()) == [kept]
