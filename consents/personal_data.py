"""Consents' `personal_data` provider: consents and their wording, printed mailing lists, data requests,
holds, special category notes, offers sent (D6, D7, D9)."""

from django.conf import settings

from consents.models import (
    DataRequest,
    LegalHold,
    MarketingConsent,
    OfferSent,
    PrintRunRecipient,
    SpecialCategoryRecord,
)
from mint_shop.personal_data import ERASED, Note, Provider, Shared, label, register, rows, scrub


def export(customer_id: int) -> dict[str, list[dict]]:
    return {
        "marketing_consents": rows(MarketingConsent.objects.filter(customer_id=customer_id),
                                   ("channel", "granted", "basis", "source", "wording", "changed_at")),
        "marketing_consent_history": rows(
            MarketingConsent.history.filter(customer_id=customer_id).order_by("history_date"),
            ("channel", "granted", "basis", "source", "wording", "changed_at")),
        "offers_sent": rows(OfferSent.objects.filter(customer_id=customer_id), ("offer_code", "channel", "sent_at")),
        "print_runs": rows(PrintRunRecipient.objects.filter(customer_id=customer_id),
                           ("print_run__title", "print_run__printed_at", "name", "address")),
        "data_requests": rows(DataRequest.objects.filter(customer_id=customer_id),
                              ("kind", "status", "received_at", "details", "due_on", "extended_due_on")),
        "special_category": rows(SpecialCategoryRecord.objects.filter(customer_id=customer_id),
                                 ("category", "details", "consent_wording", "consented_at")),
        "legal_holds": rows(LegalHold.objects.filter(customer_id=customer_id), ("kind", "placed_at", "lifted_at")),
    }


def erase(customer_id: int, *, actor, today, keep_months) -> list[Note]:
    notes = []
    consents = list(MarketingConsent.objects.filter(customer_id=customer_id).values_list("pk", flat=True))
    # Marketing stops with the erasure; the wording the person saw goes from every history row.
    scrub(MarketingConsent, consents, {"wording": "", "capacity": "", "granted": False, "basis": "none"})
    notes += [Note(label(MarketingConsent, pk), "anonymised", "withdrawn, wording erased") for pk in consents]
    recipients = list(PrintRunRecipient.objects.filter(customer_id=customer_id).values_list("pk", flat=True))
    scrub(PrintRunRecipient, recipients, {"name": ERASED, "address": ERASED})
    notes += [Note(label(PrintRunRecipient, pk), "anonymised") for pk in recipients]
    requests = list(DataRequest.objects.filter(customer_id=customer_id).values_list("pk", flat=True))
    scrub(DataRequest, requests, {"details": "", "corrections": {}, "export": None})
    notes += [Note(label(DataRequest, pk), "kept", "proof the request was answered (UK GDPR art. 5(2))")
              for pk in requests]
    special = list(SpecialCategoryRecord.objects.filter(customer_id=customer_id).values_list("pk", flat=True))
    SpecialCategoryRecord.objects.filter(pk__in=special).delete()
    SpecialCategoryRecord.history.filter(id__in=special).delete()
    notes += [Note(label(SpecialCategoryRecord, pk), "deleted") for pk in special]
    holds = list(LegalHold.objects.filter(customer_id=customer_id).values_list("pk", flat=True))
    scrub(LegalHold, holds, {"reason": ERASED})
    return notes


def sharing(customer_id: int | None) -> list[Shared]:
    recipients = PrintRunRecipient.objects.select_related("print_run").filter(print_run__printed_at__isnull=False)
    if customer_id is not None:
        recipients = recipients.filter(customer_id=customer_id)
    return [Shared(customer_id=r.customer_id, recipient=settings.MINT_MAILING_HOUSE, recipient_kind="mailing house",
                   what=f"name and postal address for print run {r.print_run.title!r}", purpose="marketing_consented",
                   shared_at=r.print_run.printed_at) for r in recipients]


def provider_register() -> None:
    register(Provider(
        app="consents",
        models=(MarketingConsent, PrintRunRecipient, DataRequest, SpecialCategoryRecord, LegalHold, OfferSent),
        export=export, erase=erase, sharing=sharing,
    ))
