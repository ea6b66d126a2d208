"""D8: the retention schedule: each record type, its period, the law or notice it comes from, its legal minimum."""

from dataclasses import dataclass

from django.conf import settings

from consents.models import RetentionPeriod


@dataclass(frozen=True)
class RecordType:
    code: str
    what: str
    source: str  # the law or notice clause the period comes from
    minimum_months: int  # the least the law allows
    purpose: str  # consents.purposes code


RECORD_TYPES = {
    rt.code: rt for rt in (
        RecordType("dormant_customers", "Customers with no order completed in the period: anonymised",
                   "D8; privacy notice 004 (3 years)", 0, "account"),
        RecordType("financial_records", "Orders, invoices, payments and refunds: kept, amounts never erased",
                   "HMRC, Finance Act 2008 sch. 37 / VAT Act 1994 sch. 11: 6 years", 72, "financial_records"),
        RecordType("due_diligence", "Identity and AML checks and evidence, from the end of the relationship",
                   "Money Laundering Regulations 2017 reg. 40: 5 years", 60, "due_diligence"),
        RecordType("data_exports", "The stored copy of an access or portability answer",
                   "D6: kept only while the person can download it", 0, "data_rights"),
    )
}


def retention_months(record_type: str) -> int:
    override = RetentionPeriod.objects.filter(record_type=record_type).values_list("months", flat=True).first()
    return override if override is not None else settings.MINT_RETENTION_MONTHS[record_type]


def retention_schedule() -> list[dict]:
    schedule = [{"record_type": rt.code, "what": rt.what, "source": rt.source, "months": retention_months(rt.code),
                 "minimum_months": rt.minimum_months, "purpose": rt.purpose} for rt in RECORD_TYPES.values()]
    schedule.append({"record_type": "call_recordings", "what": "Call recordings and transcripts: deleted",
                     "source": "D8; C10; privacy notice 004 (6 months)",
                     "months": settings.MINT_CALL_RECORDING_RETENTION_MONTHS, "minimum_months": 0,
                     "purpose": "customer_care"})
    return schedule


def retention_settings_problems() -> list[str]:
    """Settings below the legal minimum (a system check refuses to start with them)."""
    return [f"MINT_RETENTION_MONTHS[{code!r}] = {settings.MINT_RETENTION_MONTHS[code]} is below the "
            f"{rt.minimum_months} months of {rt.source}"
            for code, rt in RECORD_TYPES.items() if settings.MINT_RETENTION_MONTHS[code] < rt.minimum_months]


def retention_months_all() -> dict[str, int]:
    return {code: retention_months(code) for code in RECORD_TYPES}
