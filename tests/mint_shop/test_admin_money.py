"""Money in the admin reads as pounds and pence, under a heading that does not say "pence"."""

import pytest

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_a_change_list_shows_pence_fields_as_pounds_under_a_plain_heading(client, staff_user):
    ProductFactory(price_pence=123456)
    client.force_login(staff_user("customer_service"))

    page = client.get("/admin/catalogue/product/").content.decode()

    assert "£1,234.56" in page and "123,456" not in page
    assert "Price pence" not in page
