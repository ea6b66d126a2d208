"""Reads for data rights (D6, D9, D11)."""

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from consents.models import DataRequest
from consents.purposes import BY_CODE


def data_requests_for_customer(*, customer_id: int) -> QuerySet[DataRequest]:
    return DataRequest.objects.filter(customer_id=customer_id).order_by("-received_at", "-id")


def data_request_queue() -> QuerySet[DataRequest]:
    """D6: open requests first, each by the day its answer is due (an extension's date when extended)."""
    return (
        DataRequest.objects.exclude(status=DataRequest.Status.COMPLETED)
        .annotate(answer_by=Coalesce(F("extended_due_on"), F("due_on")))
        .order_by("answer_by", "received_at", "id")
    )


def purpose_basis(code: str) -> str:
    return BY_CODE[code].basis
