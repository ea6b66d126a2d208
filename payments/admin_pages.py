"""Finance's and customer service's payment jobs as admin pages: cheques and transfers received,
and the bank statement import."""

from django import forms

from mint_shop import clock
from mint_shop.admin_forms import PoundsField
from payments.services import receipts, reconciliation


class ChequeReceivedForm(forms.Form):
    """M7: a cheque out of the post, matched to its order by the payment reference it quotes."""

    reference = forms.CharField(max_length=40, help_text="The order's payment reference, such as MINT-123")
    amount = PoundsField(label="Amount (£)")
    drawer = forms.CharField(max_length=200)
    cheque_number = forms.CharField(max_length=20)


def cheque_received(data, actor) -> str:
    cheque = receipts.cheque_record_received(
        reference=data["reference"], amount_pence=data["amount"], drawer=data["drawer"],
        cheque_number=data["cheque_number"], actor=actor,
    )
    return f"Cheque {cheque.cheque_number} recorded against order {cheque.order_id}."


class BankReceiptForm(forms.Form):
    """M7: a transfer or banker's draft, by the reference it quotes."""

    reference = forms.CharField(max_length=40, help_text="The order's payment reference, such as MINT-123")
    amount = PoundsField(label="Amount (£)")
    received_on = forms.DateField(initial=clock.today, help_text="YYYY-MM-DD")
    method = forms.ChoiceField(choices=[("bank_transfer", "Bank transfer"), ("bankers_draft", "Banker's draft")])


def bank_receipt(data, actor) -> str:
    receipt = receipts.bank_receipt_record(
        reference=data["reference"], amount_pence=data["amount"], received_on=data["received_on"],
        method=data["method"], actor=actor,
    )
    method = dict(BankReceiptForm.base_fields["method"].choices)[receipt.method]
    return f"{method} recorded against order {receipt.order_id}."


class BankStatementForm(forms.Form):
    statement = forms.FileField(help_text="CSV with the columns date (YYYY-MM-DD), amount (pounds, signed), reference")


def bank_statement_import(data, actor) -> str:
    text = data["statement"].read().decode("utf-8-sig", errors="replace")
    matched = reconciliation.statement_import_bank_csv(csv_text=text, actor=actor)
    return f"Bank statement imported; {matched} line(s) matched to the ledger."


def stripe_import(data, actor) -> str:
    matched = reconciliation.statement_import_stripe(actor=actor)
    return f"Stripe balance transactions imported; {matched} matched to the ledger."
