"""Reads about customers, each shaped for its caller."""

import datetime as dt

import phonenumbers
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace, Upper
from phonenumber_field.phonenumber import to_python

from customers import errors
from customers.models import (
    CallRecording,
    ContactLogEntry,
    Customer,
    DeliveryAddress,
    DueDiligenceCheck,
    EvidenceDocument,
    Representative,
    SourceOfFundsRequest,
)
from mint_shop import clock
from mint_shop.actors import Actor, ActorKind, Channel
from mint_shop.errors import NOT_FOUND, RuleViolation


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_postcode(postcode: str) -> str:
    return " ".join(postcode.upper().split())


def customer_get_for_user(*, user) -> Customer:
    return Customer.objects.get(user=user)


def customer_get(*, customer_id: int) -> Customer:
    return Customer.objects.prefetch_related("delivery_addresses").get(pk=customer_id)


def customer_list_for_staff(*, search: str = "") -> QuerySet[Customer]:
    """Customers for customer service, narrowed by one search box (customer_filter_by_search)."""
    customers = Customer.objects.prefetch_related("delivery_addresses").order_by("last_name", "first_name", "id")
    return customer_filter_by_search(customers, search)


def customer_filter_by_search(customers: QuerySet[Customer], search: str) -> QuerySet[Customer]:
    """One search box: every word must match a name, email, postcode (with or without its space) or phone,
    or the whole of it is a phone number however keyed ("07911 123456" finds +447911123456)."""
    if not search.strip():
        return customers
    every_word = Q()
    for term in search.split():
        every_word &= (
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
            | Q(postcode__icontains=term)
            | Q(postcode_squashed__icontains=term.upper())
            | Q(phone__icontains=term)
            | Q(mobile_phone__icontains=term)
        )
    number = to_python(search)
    if number is not None and phonenumbers.is_possible_number(number):
        every_word |= Q(phone=number.as_e164) | Q(mobile_phone=number.as_e164)
    # A postcode keyed without its space ("SW1A1AA") still finds "SW1A 1AA".
    squashed = Replace(Upper("postcode"), Value(" "), Value(""))
    return customers.annotate(postcode_squashed=squashed).filter(every_word)


def customer_assert_can_order(*, customer: Customer) -> None:
    """Refuse an order from a customer the mint will not supply (C3) or who has died (C7)."""
    if customer.restricted_at is not None:
        raise RuleViolation(errors.CUSTOMER_RESTRICTED, "The mint has declined to supply this customer.")
    if customer.deceased_at is not None:
        raise RuleViolation(errors.CUSTOMER_DECEASED, "This account belongs to a customer who has died.")


def customer_list_likely_duplicates(
    *, email: str, first_name: str, last_name: str, date_of_birth: dt.date, postcode: str, exclude_id: int | None = None
) -> QuerySet[Customer]:
    """C2: customers who are probably the same person: same email, or same name, birth date and postcode."""
    same_person = Q(
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        date_of_birth=date_of_birth,
        postcode_squashed=normalise_postcode(postcode).replace(" ", ""),
    )
    duplicates = Customer.objects.annotate(
        postcode_squashed=Replace(Upper("postcode"), Value(" "), Value(""))
    ).filter(Q(email__iexact=normalise_email(email)) | same_person)
    if exclude_id is not None:
        duplicates = duplicates.exclude(pk=exclude_id)
    return duplicates.order_by("pk")


def customer_list_open_orders_review() -> QuerySet[Customer]:
    """C7: customers who have died and whose open orders staff must still review (orders reads this)."""
    return Customer.objects.filter(open_orders_review_required=True).order_by("deceased_at", "pk")


def customer_postal_address(*, customer: Customer) -> str:
    """C8: the customer's own address as a letter is addressed; empty when none is on file."""
    if not customer.address_line1:
        return ""
    parts = (customer.full_name, customer.address_line1, customer.address_line2, customer.town, customer.postcode)
    return "\n".join(part for part in parts if part)


def customer_aml_identity_passed(*, customer: Customer) -> bool:
    """O10: has the customer's own most recent AML identity check passed?"""
    latest = (
        DueDiligenceCheck.objects.filter(
            customer=customer, representative__isnull=True, kind=DueDiligenceCheck.Kind.AML
        )
        .order_by("-requested_at", "-id")
        .values_list("status", flat=True)
        .first()
    )
    return latest == DueDiligenceCheck.Status.PASSED


def due_diligence_check_list(*, customer_id: int) -> QuerySet[DueDiligenceCheck]:
    return (
        DueDiligenceCheck.objects.filter(customer_id=customer_id)
        .select_related("representative", "recorded_by")
        .prefetch_related("documents")
        .order_by("-requested_at", "-id")
    )


def evidence_document_get(*, document_id: int) -> EvidenceDocument:
    return EvidenceDocument.objects.get(pk=document_id)


def source_of_funds_list(*, customer_id: int) -> QuerySet[SourceOfFundsRequest]:
    return (
        SourceOfFundsRequest.objects.filter(customer_id=customer_id)
        .select_related("requested_by", "decided_by")
        .prefetch_related("documents")
        .order_by("due_on", "id")
    )


def source_of_funds_list_for_cancellation(*, today: dt.date | None = None) -> QuerySet[SourceOfFundsRequest]:
    """C5: requests refused, or still unanswered after their due date, whose order is not yet cancelled.

    The orders issue cancels each order and returns the money (M8), then calls
    `source_of_funds_record_order_cancelled`, which takes the request off this list.
    """
    today = today or clock.today()
    pending_overdue = Q(outcome=SourceOfFundsRequest.Outcome.PENDING, due_on__lt=today)
    refused = Q(outcome=SourceOfFundsRequest.Outcome.REFUSED)
    return (
        SourceOfFundsRequest.objects.filter(pending_overdue | refused, order_cancelled_at__isnull=True)
        .select_related("customer", "order")
        .order_by("due_on", "id")
    )


def representative_list(*, customer_id: int) -> QuerySet[Representative]:
    return (
        Representative.objects.filter(customer_id=customer_id)
        .select_related("user", "verified_by")
        .prefetch_related("documents", "checks")
        .order_by("id")
    )


def representative_acting_for(*, user, customer_id: int) -> tuple[Customer, Actor]:
    """C6: the customer a logged-in representative may act for, and the actor they act as.

    A user with no representation of this customer learns nothing (404); a pending or revoked
    one is told why they are refused.
    """
    representations = list(
        Representative.objects.filter(user=user, customer_id=customer_id).select_related("customer").order_by("-id")
    )
    if not representations:
        raise RuleViolation(NOT_FOUND, "Not found.")
    active = next((r for r in representations if r.status == Representative.Status.VERIFIED), None)
    if active is None:
        if any(r.status in (Representative.Status.REVOKED, Representative.Status.REJECTED) for r in representations):
            raise RuleViolation(errors.REPRESENTATIVE_REVOKED, "Your authority to act for this customer has ended.")
        raise RuleViolation(errors.REPRESENTATIVE_NOT_VERIFIED, "Staff have not yet verified your appointment.")
    actor = Actor(kind=ActorKind.REPRESENTATIVE, channel=Channel.WEB, user=user, capacity=active.kind)
    return active.customer, actor


def representations_for_user(*, user) -> QuerySet[Representative]:
    return (
        Representative.objects.filter(user=user, status=Representative.Status.VERIFIED)
        .select_related("customer")
        .order_by("customer_id")
    )


def contact_log_list(*, customer_id: int) -> QuerySet[ContactLogEntry]:
    return (
        ContactLogEntry.objects.filter(customer_id=customer_id)
        .select_related("recorded_by", "recording")
        .order_by("-occurred_at", "-id")
    )


def call_recording_list(*, customer_id: int) -> QuerySet[CallRecording]:
    return (
        CallRecording.objects.filter(contact__customer_id=customer_id)
        .select_related("contact")
        .prefetch_related("pauses")
        .order_by("-started_at", "-id")
    )


def call_recording_list_expired(*, today: dt.date | None = None) -> QuerySet[CallRecording]:
    """C10/D8: recordings whose call was the retention period or more ago (London calendar)."""
    today = today or clock.today()
    last_day_to_delete = today - relativedelta(months=settings.MINT_CALL_RECORDING_RETENTION_MONTHS)
    return CallRecording.objects.filter(
        started_at__lt=clock.start_of_london_day(last_day_to_delete + dt.timedelta(days=1))
    ).order_by("pk")



def delivery_address_get_for_customer(*, customer: Customer, address_id: int) -> DeliveryAddress | None:
    """One of this customer's own delivery addresses, or None (another customer's counts as none)."""
    return DeliveryAddress.objects.filter(customer=customer, pk=address_id).first()
