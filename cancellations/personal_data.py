"""Cancellations' `personal_data` provider (D6, D7): fault reports, findings and return notes about a person.

Erasure waits while the customer may still cancel a line (R1: the cooling-off period), because
the order and its refund must stay answerable until then; the refusal says until which day.
"""

from cancellations.models import Cancellation, FaultClaim, GoodsReturn
from cancellations.selectors import cancellable_lines_for_customer
from customers.models import Customer
from mint_shop.personal_data import ERASED, Note, Provider, Wait, label, register, rows, scrub


def export(customer_id: int) -> dict[str, list[dict]]:
    mine = {"order__customer_id": customer_id}
    return {
        "cancellations": rows(Cancellation.objects.filter(**mine), ("order_id", "right", "notice_channel")),
        "fault_claims": rows(FaultClaim.objects.filter(order_line__order__customer_id=customer_id),
                             ("order_line_id", "description", "outcome", "remedy", "findings")),
        "goods_returns": rows(GoodsReturn.objects.filter(cancellation__order__customer_id=customer_id),
                              ("cancellation_id", "condition", "condition_notes", "postage_paid_by")),
    }


def erase(customer_id: int, *, actor, today, keep_months) -> list[Note]:
    claims = list(FaultClaim.objects.filter(order_line__order__customer_id=customer_id).values_list("pk", flat=True))
    scrub(FaultClaim, claims, {"description": ERASED, "findings": ""})
    returns = GoodsReturn.objects.filter(cancellation__order__customer_id=customer_id).values_list("pk", flat=True)
    scrub(GoodsReturn, returns, {"condition_notes": ""})
    return [Note(label(FaultClaim, pk), "anonymised", "description and findings erased") for pk in claims]


def waits(customer_id: int, *, today) -> list[Wait]:
    customer = Customer.objects.get(pk=customer_id)
    return [
        Wait(record=label(line.line, line.line.pk), until=line.last_day,
             reason="the customer may still cancel this line (R1 cooling-off period)")
        for line in cancellable_lines_for_customer(customer=customer)
        if line.right == "cooling_off" and line.last_day is not None
    ]


def provider_register() -> None:
    register(Provider(app="cancellations", models=(Cancellation, FaultClaim, GoodsReturn), export=export,
                      erase=erase, waits=waits))
