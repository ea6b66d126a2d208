"""Reconciliation (M9): statements in (Stripe's balance transactions, the bank's CSV),
each line matched to the one ledger entry it stands for; the rest listed as unmatched.
"""

import csv
import datetime as dt
import hashlib
import io
from decimal import Decimal, InvalidOperation

from django.db import transaction

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from mint_shop.money import MAX_PENCE, format_pence
from payments import errors, gateway, selectors
from payments.models import StatementLine
from payments.selectors import ledger_entry_for_statement_line

REFERENCE_LENGTH = StatementLine._meta.get_field("reference").max_length


def statement_import_stripe(*, actor: Actor) -> int:
    """Fetch Stripe's balance transactions since the day before the last one held (outside any
    transaction: one page per 100 new, not the account's whole history), store the new ones, match.

    Stripe out of reach is a 503 `stripe_unavailable` with nothing stored, not a server error."""
    try:
        transactions = list(gateway.balance_transactions(created_from=selectors.stripe_statement_resumes_from()))
    except gateway.RETRYABLE_ERRORS as exc:
        detail = "Stripe did not answer; nothing was imported. Try again later."
        raise RuleViolation(errors.STRIPE_UNAVAILABLE, detail) from exc
    lines = [
        StatementLine(
            source=StatementLine.Source.STRIPE,
            external_id=txn["id"],
            amount_pence=txn["amount"],
            occurred_on=dt.datetime.fromtimestamp(txn["created"], tz=dt.UTC).date(),
            reference=txn.get("source") or "",
            description=(txn.get("description") or txn.get("type") or "")[:300],
        )
        for txn in transactions
    ]
    return _store_and_match(lines)


def statement_import_bank_csv(*, csv_text: str, actor: Actor) -> int:
    """A bank statement as CSV with columns date (YYYY-MM-DD), amount (pounds, signed), reference.

    Any bad row refuses the whole file, naming the row, and nothing is stored. Re-importing
    the same statement stores nothing new: each row is known by its content and position.
    """
    reader = csv.DictReader(io.StringIO(csv_text))
    if not reader.fieldnames or not {"date", "amount", "reference"} <= set(reader.fieldnames):
        raise RuleViolation(errors.STATEMENT_INVALID, "The CSV needs the columns date, amount and reference.")
    lines = []
    seen: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        try:
            occurred_on = dt.date.fromisoformat(row["date"].strip())
            pounds = Decimal(row["amount"].strip().replace(",", "").replace("£", ""))
            reference = row["reference"].strip()  # None when the row stops short of it
        except (ValueError, InvalidOperation, AttributeError):
            raise RuleViolation(
                errors.STATEMENT_INVALID, f"Row {number}: the date, amount or reference cannot be read."
            ) from None
        # Finite first: any sum made with a signalling NaN ("sNaN") raises rather than answers.
        pence = pounds * 100 if pounds.is_finite() else pounds
        if not pence.is_finite() or pence != pence.to_integral_value() or pence == 0 or abs(pence) > MAX_PENCE:
            raise RuleViolation(
                errors.STATEMENT_INVALID, f"Row {number}: the amount must be whole pence, not zero, and not beyond "
                f"{format_pence(MAX_PENCE)}."
            )
        if len(reference) > REFERENCE_LENGTH:
            raise RuleViolation(
                errors.STATEMENT_INVALID, f"Row {number}: the reference is over {REFERENCE_LENGTH} characters."
            )
        key = f"{occurred_on}|{int(pence)}|{reference}"
        seen[key] = seen.get(key, 0) + 1
        lines.append(
            StatementLine(
                source=StatementLine.Source.BANK,
                external_id=hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest()[:40],
                amount_pence=int(pence),
                occurred_on=occurred_on,
                reference=reference.upper(),
                description=(row.get("description") or "").strip()[:300],
            )
        )
    return _store_and_match(lines)


def _store_and_match(lines: list[StatementLine]) -> int:
    with transaction.atomic(durable=True):
        StatementLine.objects.bulk_create(lines, ignore_conflicts=True)
        matched = 0
        for line in StatementLine.objects.select_for_update().filter(matched_entry__isnull=True).order_by("pk"):
            entry = ledger_entry_for_statement_line(line)
            if entry is not None:
                line.matched_entry = entry
                line.save(update_fields=["matched_entry"])
                matched += 1
        return matched
