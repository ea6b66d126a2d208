import pytest

from cancellations.models import Cancellation
from cancellations.services import cancellation_request
from mint_shop.actors import Actor
from mint_shop.roles import role_permissions
from tests.cancellations.factories import paid_order

pytestmark = pytest.mark.django_db


def test_r5_each_role_holds_its_cancellation_permissions():
    table = role_permissions()
    assert "cancellations.work_refund_queue" in table["finance"]
    assert "cancellations.record_notice" in table["customer_service"]
    assert "cancellations.work_refund_queue" not in table["customer_service"]
    assert "cancellations.record_return" in table["warehouse"]


def test_r5_finance_sees_the_queue_in_the_admin_and_refunds_from_it(client, staff_user, commit, customer, coin):
    order = paid_order(commit, customer, (coin, 1))
    cancellation = cancellation_request(
        order_id=order.pk, line_ids=[order.lines.get().pk], customer=customer, actor=Actor.system()
    ).cancellation  # on_commit not run: the refund is still to be asked for
    client.force_login(staff_user("finance"))
    assert client.get("/admin/cancellations/cancellation/").status_code == 200
    assert client.get(f"/admin/cancellations/cancellation/{cancellation.pk}/change/").status_code == 200
    response = client.post(
        "/admin/cancellations/cancellation/",
        {"action": "grant_refunds", "_selected_action": [cancellation.pk]},
    )
    assert response.status_code == 302
    assert Cancellation.objects.get(pk=cancellation.pk).refund.amount_pence == 2895


def test_r5_granting_a_refund_from_the_queue_says_what_was_granted(client, staff_user, commit, customer, coin):
    order = paid_order(commit, customer, (coin, 1))
    cancellation = cancellation_request(
        order_id=order.pk, line_ids=[order.lines.get().pk], customer=customer, actor=Actor.system()
    ).cancellation
    client.force_login(staff_user("finance"))

    response = client.post(
        "/admin/cancellations/cancellation/",
        {"action": "grant_refunds", "_selected_action": [cancellation.pk]},
        follow=True,
    )

    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert [level for level, _ in shown] == ["success"], shown
    assert "£28.95" in shown[0][1]
