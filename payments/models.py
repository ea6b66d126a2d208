import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class LedgerEntry(models.Model):
    """One money movement (M9). Entries are only ever appended: never updated, never deleted.

    `direction` says what the entry does to the money: IN (taken from the customer), OUT
    (returned to them) or HOLD (a card hold placed or ended, or a bounced cheque: recorded,
    but no money moved). The per-order totals are sums of these, so they always agree.
    """

    class Kind(models.TextChoices):
        AUTHORISATION = "authorisation"
        RELEASE = "release"
        LAPSE = "lapse"
        CAPTURE = "capture"
        CHARGE = "charge"
        REFUND = "refund"
        CHEQUE_CLEARED = "cheque_cleared"
        CHEQUE_BOUNCED = "cheque_bounced"
        TRANSFER = "transfer"
        INSTALMENT = "instalment"
        FINANCE_SETTLEMENT = "finance_settlement"
        REIMBURSEMENT = "reimbursement"
        REFUND_FAILED = "refund_failed"  # a card refund Stripe could not pay: the money is ours again
        DISCOUNT = "discount"  # X1–X3: a promo code or referral reward given; no money moved

    class Direction(models.TextChoices):
        IN = "in", "Money in"
        OUT = "out", "Money out"
        HOLD = "hold", "Hold (no money moved)"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    amount_pence = models.IntegerField()
    reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.HOLD)
    method = models.CharField(max_length=16, blank=True, help_text="How the money moved (orders.PaymentMethod)")
    # The outside record this entry matches in reconciliation: a Stripe charge (ch_) or
    # refund (re_) id, or the reference on the bank statement.
    external_id = models.CharField(max_length=100, blank=True, db_index=True)
    payment_intent_id = models.CharField(max_length=100, blank=True)
    actor = models.CharField(max_length=200, blank=True, help_text="Who acted (mint_shop.actors.Actor.describe)")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "ledger entries"
        permissions = [
            ("reconcile_ledger", "Can reconcile the ledger against Stripe and the bank"),
            ("grant_refund", "Can grant refunds"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(amount_pence__gt=0), name="ledger_amount_positive")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_pence}p on order {self.order_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Ledger entries are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are immutable")


class StripeCustomer(models.Model):
    """The Stripe customer that holds a mint customer's saved cards (M2)."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.PROTECT, related_name="stripe_account")
    stripe_customer_id = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.stripe_customer_id


class OrderPayment(models.Model):
    """How one order is paid, and where its payment stands; orders' own rows stay untouched."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="payment")
    method = models.CharField(max_length=16)
    # What the customer quotes on a transfer, draft or cheque so finance can match it (M7).
    reference = models.CharField(max_length=30, unique=True)
    stripe_payment_method_id = models.CharField(max_length=100, blank=True)
    # M3: set when the hold was released or lapsed; later lines are charged on despatch.
    charge_on_despatch_since = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True, help_text="Payment failed: despatch waits for staff")
    hold_reason = models.TextField(blank=True)
    invoice_chosen_at = models.DateTimeField(null=True, blank=True, help_text="Staff chose to despatch on invoice")
    invoice_chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        permissions = [
            ("resolve_held_payment", "Can resolve held payments (despatch on invoice)"),
            ("capture_payment", "Can capture a card hold by hand"),
            ("charge_for_despatch", "Can charge the saved card for lines before despatch"),
        ]

    def __str__(self) -> str:
        return f"{self.method} payment for order {self.order_id}"


class Authorisation(models.Model):
    """The card hold for an order's full amount (M2), captured once or released (M3, M4)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Asked of Stripe"
        AUTHORISED = "authorised", "Held"
        CAPTURED = "captured", "Captured"
        RELEASED = "released", "Released by us"
        LAPSED = "lapsed", "Lapsed at Stripe"
        FAILED = "failed", "Refused"

    order_payment = models.OneToOneField(OrderPayment, on_delete=models.PROTECT, related_name="authorisation")
    amount_pence = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    payment_intent_id = models.CharField(max_length=100, blank=True, db_index=True)
    charge_id = models.CharField(max_length=100, blank=True)
    authorised_at = models.DateTimeField(null=True, blank=True, db_index=True)
    capture_before = models.DateTimeField(null=True, blank=True)
    # Stripe did not give its deadline, so capture_before is our cautious guess (authorised + 7 days).
    capture_before_assumed = models.BooleanField(default=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    captured_pence = models.PositiveIntegerField(default=0)
    card_fingerprint = models.CharField(max_length=64, blank=True, db_index=True)  # X3: the friend's card
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["status", "authorised_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(captured_pence__lte=models.F("amount_pence")), name="capture_within_authorisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.amount_pence}p for order {self.order_payment.order_id}"


class CardOperation(models.Model):
    """One call to Stripe that moves or holds money, recorded before it is made.

    The call happens after the recording transaction commits, outside any transaction. Its
    idempotency key comes from this row, and a retry first asks Stripe whether the earlier
    attempt got through (by the stored ids or the metadata), so nothing is charged twice
    even against a server that ignores idempotency keys.
    """

    class Kind(models.TextChoices):
        AUTHORISE = "authorise", "Authorise"
        CAPTURE = "capture", "Capture"
        CANCEL = "cancel", "Release"
        CHARGE = "charge", "Charge saved card"
        REFUND = "refund", "Refund"

    class Status(models.TextChoices):
        PENDING = "pending", "To send"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Refused"
        CANCELLED = "cancelled", "Not made: its lines were withdrawn first (O4)"

    order_payment = models.ForeignKey(OrderPayment, on_delete=models.PROTECT, related_name="card_operations")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Unique across every database that shares the Stripe account (ids are reused after a
    # rollback, and staging and production count from 1 alike): the idempotency key and the
    # metadata a retry looks for.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    amount_pence = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    line_ids = models.JSONField(default=list, help_text="The order lines a capture or charge pays for")
    refund = models.ForeignKey(
        "Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="card_operations"
    )
    payment_intent_id = models.CharField(max_length=100, blank=True)
    stripe_object_id = models.CharField(max_length=100, blank=True, help_text="The charge or refund id")
    # Set (and committed) just before the first call, so a retry knows to look before acting.
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    actor = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_pence}p ({self.status})"

    @property
    def idempotency_key(self) -> str:
        return f"mint-card-operation-{self.key}"


class PaidLine(models.Model):
    """An order line paid by card: the unique line makes a second capture of it impossible (M4)."""

    line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="card_payment")
    operation = models.ForeignKey(CardOperation, on_delete=models.PROTECT, related_name="paid_lines")

    def __str__(self) -> str:
        return f"line {self.line_id} paid by operation {self.operation_id}"


class Refund(models.Model):
    """A refund granted (M8): by the way the customer paid, or another means with a reason.

    A reimbursement (money the mint owes on top of the price, such as return postage for damaged
    goods, R3) is kept here too, so finance pays and marks it like any payout; it is not a refund
    of a payment, so it never counts against what is refundable.
    """

    class Purpose(models.TextChoices):
        REFUND = "refund", "Refund of a payment (M8)"
        REIMBURSEMENT = "reimbursement", "Reimbursement owed on top (R3 return postage)"

    class Means(models.TextChoices):
        CARD = "card", "Card (Stripe refund)"
        PAYOUT = "payout", "Bank payout (cheque or transfer payments)"
        OTHER = "other", "Another means"

    class Status(models.TextChoices):
        PENDING = "pending", "To pay"
        PAID = "paid", "Paid"
        FAILED = "failed", "Refused by Stripe"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds")
    request_id = models.CharField(max_length=100, unique=True, help_text="The client's key: one refund per request")
    purpose = models.CharField(max_length=13, choices=Purpose.choices, default=Purpose.REFUND)
    amount_pence = models.PositiveIntegerField()
    means = models.CharField(max_length=8, choices=Means.choices)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    payout_reference = models.CharField(max_length=100, blank=True)
    granted_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_pence__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.amount_pence}p on order {self.order_id} ({self.status})"


class Cheque(models.Model):
    """A cheque for an order (M7): cashed on receipt, then cleared or bounced."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        BANKED = "banked", "Banked"
        CLEARED = "cleared", "Cleared"
        BOUNCED = "bounced", "Bounced"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="cheques")
    amount_pence = models.PositiveIntegerField()
    drawer = models.CharField(max_length=200)
    cheque_number = models.CharField(max_length=20)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField()
    banked_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True, help_text="Cleared or bounced")
    recorded_by = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_pence__gt=0), name="cheque_amount_positive")]

    def __str__(self) -> str:
        return f"cheque {self.cheque_number} for order {self.order_id} ({self.status})"


class BankReceipt(models.Model):
    """A bank transfer or banker's draft, matched to its order by reference (M7)."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="bank_receipts")
    method = models.CharField(max_length=16)
    reference = models.CharField(max_length=100)
    amount_pence = models.PositiveIntegerField()
    received_on = models.DateField()
    recorded_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_pence__gt=0), name="receipt_amount_positive")]

    def __str__(self) -> str:
        return f"{self.method} {self.amount_pence}p for order {self.order_id}"


class InstalmentPlan(models.Model):
    """Monthly interest-free instalments on the mint's account (M5), subject to status: finance
    approves (the plan is then paying) or refuses. Reminders go by the customer's preferred means.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", "Pending finance's decision"
        DECLINED = "declined", "Refused"
        ACTIVE = "active", "Approved, paying"
        IN_ARREARS = "in_arrears", "Approved, in arrears"
        COMPLETED = "completed", "Paid in full"
        ENDED = "ended", "Ended: the order has no line left"

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="instalment_plan")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.APPLIED)
    number_of_instalments = models.PositiveSmallIntegerField()
    total_pence = models.PositiveIntegerField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=200, blank=True)
    decision_reason = models.TextField(blank=True)
    # O10: title may pass once the last instalment is paid.
    paid_in_full_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        permissions = [("decide_instalment_plan", "Can decide instalment plans and record instalments")]

    def __str__(self) -> str:
        return f"{self.number_of_instalments} instalments for order {self.order_id} ({self.status})"


class Instalment(models.Model):
    plan = models.ForeignKey(InstalmentPlan, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount_pence = models.PositiveIntegerField()
    paid_at = models.DateTimeField(null=True, blank=True)
    missed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_id", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="instalment_number_unique")]

    def __str__(self) -> str:
        return f"instalment {self.number} due {self.due_on}"


class FinanceApplication(models.Model):
    """An application to a third-party lender (M6). The lender is an independent controller.

    What personal data went, to whom and when is kept here in the shape the sharing register
    (D9) lists: see `payments.selectors.finance_sharing_records`.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "With the lender"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        SETTLED = "settled", "Settled by the lender"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="finance_applications")
    lender = models.CharField(max_length=200)
    amount_pence = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    data_shared = models.JSONField(help_text="The personal data fields sent to the lender")
    shared_at = models.DateTimeField()
    shared_by = models.CharField(max_length=200)
    lender_reference = models.CharField(max_length=100, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-shared_at", "-id"]
        permissions = [("manage_finance_application", "Can send and record third-party finance applications")]

    def __str__(self) -> str:
        return f"finance from {self.lender} for order {self.order_id} ({self.status})"


class StripeEvent(models.Model):
    """A webhook event from Stripe, stored once per event id and processed in the background (M10)."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    # For finance: an event Stripe contradicted (changing nothing), a dispute, a failed refund.
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    finance_flag = models.CharField(max_length=300, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class StatementLine(models.Model):
    """A line of an outside statement, to match against the ledger (M9)."""

    class Source(models.TextChoices):
        STRIPE = "stripe", "Stripe balance transaction"
        BANK = "bank", "Bank statement"

    source = models.CharField(max_length=6, choices=Source.choices)
    external_id = models.CharField(max_length=100)
    # Signed: money in is positive, money out negative, as the statement shows it.
    amount_pence = models.IntegerField()
    occurred_on = models.DateField()
    reference = models.CharField(max_length=200, blank=True, help_text="Stripe source id or bank reference")
    description = models.CharField(max_length=300, blank=True)
    matched_entry = models.OneToOneField(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="statement_line"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="statement_line_once")]

    def __str__(self) -> str:
        return f"{self.source} {self.external_id} {self.amount_pence}p"
