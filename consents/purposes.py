"""D11: the register of processing purposes, each with its legal basis (UK GDPR art. 6(1)).

Privacy notices 003 and 004 name these; the export (D6) includes the register, the sharing
register (D9) names a purpose for every entry, and the retention schedule (D8) says which
purpose each record type served.
"""

from dataclasses import asdict, dataclass


class Basis:
    CONTRACT = "contract"  # art. 6(1)(b)
    LEGAL_OBLIGATION = "legal_obligation"  # art. 6(1)(c)
    LEGITIMATE_INTEREST = "legitimate_interest"  # art. 6(1)(f)
    CONSENT = "consent"  # art. 6(1)(a)
    ALL = (CONTRACT, LEGAL_OBLIGATION, LEGITIMATE_INTEREST, CONSENT)


@dataclass(frozen=True)
class Purpose:
    code: str
    purpose: str
    basis: str
    data: str


PURPOSES: tuple[Purpose, ...] = (
    Purpose("account", "Keeping the customer's account", Basis.CONTRACT, "name, contact details, addresses"),
    Purpose("orders", "Taking, fulfilling and delivering orders", Basis.CONTRACT,
            "name, delivery address, email, order lines, engraving"),
    Purpose("payments", "Taking and refunding payment; finance and instalments", Basis.CONTRACT,
            "name, billing address, payment references"),
    Purpose("financial_records", "Keeping accounts and invoices for HMRC", Basis.LEGAL_OBLIGATION,
            "orders, invoices, payments, refunds"),
    Purpose("due_diligence", "Identity, residency and anti-money-laundering checks", Basis.LEGAL_OBLIGATION,
            "identity evidence, check results"),
    Purpose("customer_care", "Answering calls, letters and emails; call recording", Basis.LEGITIMATE_INTEREST,
            "contact log, call recordings and transcripts"),
    Purpose("marketing_consented", "Marketing by email, SMS, phone and post with consent", Basis.CONSENT,
            "name, contact details, offers sent"),
    Purpose("marketing_soft_opt_in", "Marketing similar products to customers (PECR reg. 22(3))",
            Basis.LEGITIMATE_INTEREST, "email, mobile number, offers sent"),
    Purpose("data_rights", "Answering data subject requests", Basis.LEGAL_OBLIGATION,
            "the request, identity check, the answer"),
    Purpose("vulnerability", "Serving customers with health or capacity needs", Basis.CONSENT,
            "special category notes (explicit consent, art. 9(2)(a))"),
)

BY_CODE = {purpose.code: purpose for purpose in PURPOSES}


def purpose_register() -> list[dict]:
    return [asdict(purpose) for purpose in PURPOSES]
