"""Customers' `personal_data` provider (DESIGN.md; D6, D7, D9): the person, their addresses, representatives,
checks and evidence, contact log and call recordings, and the sign-in records of the login.

Due-diligence records are kept 5 years after the relationship ends (MLR 2017 reg. 40): while
that runs, erasure keeps them and says until when.
"""

import datetime as dt

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from dateutil.relativedelta import relativedelta
from django.db.models import Max

from customers.audit import stamp
from customers.models import (
    ApiAccessRevocation,
    CallRecording,
    ContactLogEntry,
    Customer,
    DeliveryAddress,
    DueDiligenceCheck,
    EvidenceDocument,
    RecordingPause,
    Representative,
    Restriction,
    SourceOfFundsRequest,
    User,
)
from customers.selectors import normalise_email
from customers.services import customer_details_change_locked
from mint_shop.personal_data import ERASED, Note, Provider, Shared, label, register, rows, scrub

CUSTOMER_FIELDS = ("first_name", "last_name", "email", "phone", "mobile_phone", "date_of_birth", "address_line1",
                   "address_line2", "town", "postcode", "country", "preferred_contact", "created_at")
RECTIFIABLE = ("first_name", "last_name", "email", "phone", "mobile_phone", "date_of_birth", "address_line1",
               "address_line2", "town", "postcode", "country")
ERASED_DATE_OF_BIRTH = dt.date(1900, 1, 1)


def export(customer_id: int) -> dict[str, list[dict]]:
    recordings = CallRecording.objects.filter(contact__customer_id=customer_id)
    return {
        "customer": rows(Customer.objects.filter(pk=customer_id), CUSTOMER_FIELDS),
        "login": rows(User.objects.filter(customer__pk=customer_id), ("username", "email", "first_name",
                                                                     "last_name", "date_joined")),
        "delivery_addresses": rows(DeliveryAddress.objects.filter(customer_id=customer_id),
                                   ("label", "recipient_name", "line1", "line2", "town", "postcode", "country")),
        "restrictions": rows(Restriction.objects.filter(customer_id=customer_id),
                             ("reason", "restricted_at", "lifted_at", "lift_reason")),
        "representatives": rows(Representative.objects.filter(customer_id=customer_id),
                                ("kind", "first_name", "last_name", "email", "phone", "status")),
        "checks": rows(DueDiligenceCheck.objects.filter(customer_id=customer_id),
                       ("kind", "status", "provider", "requested_at", "completed_at", "notes")),
        "source_of_funds_requests": rows(SourceOfFundsRequest.objects.filter(customer_id=customer_id),
                                         ("order_id", "requested_at", "due_on", "outcome", "notes")),
        "evidence_documents": rows(EvidenceDocument.objects.filter(customer_id=customer_id),
                                   ("original_name", "content_type", "description", "uploaded_at")),
        "contact_log": rows(ContactLogEntry.objects.filter(customer_id=customer_id),
                            ("kind", "direction", "occurred_at", "summary")),
        "call_recordings": rows(recordings, ("direction", "customer_number", "started_at", "ended_at", "purpose",
                                             "recording_reference", "transcript_reference", "transcript_sent_at")),
        "recording_pauses": rows(RecordingPause.objects.filter(recording__in=recordings),
                                 ("paused_at", "resumed_at", "reason")),
        "api_access_revocations": rows(ApiAccessRevocation.objects.filter(user__customer__pk=customer_id),
                                       ("revoked_at", "revoked_by_kind", "tokens_ended", "sessions_ended", "reason")),
    }


def rectify(customer_id: int, *, corrections: dict, actor) -> list[str]:
    """D6 through C8's own checks: emails and postcodes normalised, no second account (C2), the login follows."""
    details = {name: value for name, value in corrections.items() if name != "date_of_birth"}
    if details:
        customer_details_change_locked(customer_id=customer_id, actor=actor, changes=details)
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    if "date_of_birth" in corrections:
        customer.date_of_birth = corrections["date_of_birth"]
    customer.full_clean(exclude=["user", "keyed_by"])
    if "date_of_birth" in corrections:
        stamp(customer, actor).save()
    return sorted(corrections)


def _relationship_ended(customer: Customer, today: dt.date) -> dt.date:
    """The last order, or today (the relationship ends with the erasure at the latest)."""
    last = customer.orders.aggregate(last=Max("placed_at"))["last"] if hasattr(customer, "orders") else None
    return last.date() if last else today


def _delete_file(field) -> None:
    if field:
        field.delete(save=False)


def _sign_in_records_delete(customer: Customer) -> list[Note]:
    """allauth's address book and axes' attempts and logs name the login by its email: they go with it."""
    names = {normalise_email(name) for name in (customer.email, customer.user.username, customer.user.email) if name}
    addresses = EmailAddress.objects.filter(user_id=customer.user_id)
    notes = [Note(label(address), "deleted", "sign-in email address") for address in addresses]
    addresses.delete()
    # allauth's list of signed-in sessions holds each one's IP address and browser: ended and gone.
    for session in UserSession.objects.filter(user_id=customer.user_id):
        session.end()
        notes.append(Note(label(session), "deleted", "signed-in session (address and browser)"))
    revocations = ApiAccessRevocation.objects.filter(user_id=customer.user_id).exclude(reason="")
    scrub(ApiAccessRevocation, revocations.values_list("pk", flat=True), {"reason": ERASED})
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        if model.objects.filter(username__in=names).delete()[0]:
            notes.append(Note(f"{model._meta.label} (sign-ins)", "deleted", "sign-in attempts and log"))
    return notes


def erase(customer_id: int, *, actor, today: dt.date, keep_months: dict[str, int]) -> list[Note]:
    customer = Customer.objects.get(pk=customer_id)
    notes = [Note(label(customer), "anonymised", "names, contact details, address and birth date")]
    if customer.user_id:
        notes += _sign_in_records_delete(customer)
    scrub(Customer, [customer_id], {
        "first_name": "", "last_name": "", "email": "", "phone": "", "mobile_phone": "",
        "date_of_birth": ERASED_DATE_OF_BIRTH, "address_line1": "", "address_line2": "", "town": "", "postcode": "",
        "restriction_reason": ERASED if customer.restriction_reason else "",
    })
    if customer.user_id:
        user = customer.user
        user.set_unusable_password()
        user.save(update_fields=["password"])
        scrub(User, [user.pk], {"username": f"erased-{customer_id}", "email": "", "first_name": "", "last_name": "",
                                "is_active": False})
        notes.append(Note(label(user), "anonymised", "login closed"))
    addresses = list(DeliveryAddress.objects.filter(customer_id=customer_id).values_list("pk", flat=True))
    scrub(DeliveryAddress, addresses, {"label": "", "recipient_name": ERASED, "line1": ERASED, "line2": "",
                                       "town": "", "postcode": ""})
    notes += [Note(label(DeliveryAddress, pk), "anonymised") for pk in addresses]
    representatives = list(Representative.objects.filter(customer_id=customer_id).values_list("pk", flat=True))
    scrub(Representative, representatives, {"first_name": ERASED, "last_name": "", "email": "", "phone": "",
                                            "appointment_reference": ""})
    notes += [Note(label(Representative, pk), "anonymised") for pk in representatives]
    scrub(Restriction, Restriction.objects.filter(customer_id=customer_id).values_list("pk", flat=True),
          {"reason": ERASED, "lift_reason": ""})
    contacts = list(ContactLogEntry.objects.filter(customer_id=customer_id).values_list("pk", flat=True))
    scrub(ContactLogEntry, contacts, {"summary": ERASED})
    notes += [Note(label(ContactLogEntry, pk), "anonymised", "summary erased; the date and kind stay (C9)")
              for pk in contacts]
    for recording in CallRecording.objects.filter(contact_id__in=contacts):
        _delete_file(recording.recording_file)
        _delete_file(recording.transcript_file)
        scrub(CallRecording, [recording.pk], {"customer_number": "", "recording_reference": "",
                                              "recording_file": "", "transcript_reference": "", "transcript_file": ""})
        notes.append(Note(label(recording), "deleted", "recording and transcript files and references"))
    notes += _due_diligence(customer, today, keep_months["due_diligence"])
    return notes


def _due_diligence(customer: Customer, today: dt.date, months: int) -> list[Note]:
    """MLR 2017: checks and their evidence stay 5 years after the relationship ends; after that they go."""
    kept_until = _relationship_ended(customer, today) + relativedelta(months=months)
    checks = DueDiligenceCheck.objects.filter(customer=customer)
    documents = EvidenceDocument.objects.filter(customer=customer)
    funds = SourceOfFundsRequest.objects.filter(customer=customer)
    if kept_until > today:
        reason = "due-diligence record (Money Laundering Regulations 2017 reg. 40)"
        return [Note(label(row), "kept", reason, kept_until) for qs in (checks, documents, funds) for row in qs]
    for document in documents:
        _delete_file(document.file)
    scrub(EvidenceDocument, documents.values_list("pk", flat=True), {"file": "", "original_name": ERASED,
                                                                     "description": ""})
    scrub(DueDiligenceCheck, checks.values_list("pk", flat=True), {"notes": "", "provider_reference": ""})
    scrub(SourceOfFundsRequest, funds.values_list("pk", flat=True), {"notes": ""})
    return [Note(label(row), "anonymised", "past the MLR 2017 period") for qs in (checks, documents) for row in qs]


def sharing(customer_id: int | None) -> list[Shared]:
    recordings = CallRecording.objects.filter(transcript_sent_at__isnull=False).select_related("contact")
    if customer_id is not None:
        recordings = recordings.filter(contact__customer_id=customer_id)
    return [
        Shared(customer_id=r.contact.customer_id, recipient=r.transcript_processor,
               recipient_kind="transcription provider", what=f"call transcript ({r.get_purpose_display()} call)",
               purpose="customer_care", shared_at=r.transcript_sent_at, safeguard=r.transfer_safeguard)
        for r in recordings
    ]


PROVIDER = Provider(
    app="customers",
    models=(Customer, User, DeliveryAddress, Restriction, Representative, DueDiligenceCheck, SourceOfFundsRequest,
            EvidenceDocument, ContactLogEntry, CallRecording, RecordingPause, ApiAccessRevocation),
    export=export, erase=erase, rectify=rectify, sharing=sharing, rectifiable=RECTIFIABLE,
)


def provider_register() -> None:
    register(PROVIDER)


