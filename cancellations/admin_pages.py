"""Customer service's cancellation jobs as admin pages: a notice by letter, email or phone (lines
ticked from the order), a return with its condition, a fault claim and its examination."""

from django import forms
from django.urls import reverse

from cancellations import services
from cancellations.models import Cancellation, FaultClaim, GoodsReturn
from mint_shop import clock
from mint_shop.actors import Channel
from mint_shop.admin_forms import PoundsField
from orders.models import Order, OrderLine


class LineLabel:
    def label_from_instance(self, line):
        return f"{line.quantity} × {line.product.name} ({line.product.sku})"


class LineChoiceField(LineLabel, forms.ModelMultipleChoiceField):
    """The order's lines as checkboxes, so staff tick lines rather than type their ids."""

    widget = forms.CheckboxSelectMultiple


class OneLineField(LineLabel, forms.ModelChoiceField):
    widget = forms.RadioSelect


class NoticeForm(forms.Form):
    """R2: the notice as it came, with the date it was received."""

    channel = forms.ChoiceField(
        choices=[(Channel.POST, "Letter"), (Channel.EMAIL, "Email"), (Channel.PHONE, "Phone")], label="Came by"
    )
    received_on = forms.DateField(initial=clock.today, help_text="YYYY-MM-DD")
    sent_on = forms.DateField(required=False, label="Postmark", help_text="Letters: the date of the postmark")
    sent_at = forms.DateTimeField(required=False, label="Email sent at",
                                  help_text="Emails: when it was sent (YYYY-MM-DD HH:MM)")
    lines = LineChoiceField(queryset=OrderLine.objects.none(), label="Lines to cancel")

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].queryset = order.lines.filter(withdrawn_at__isnull=True).select_related("product")


def notice_record(order: Order):
    def call(data, actor) -> str:
        outcome = services.cancellation_request(
            order_id=order.pk,
            line_ids=[line.pk for line in data["lines"]],
            notice_channel=data["channel"],
            notice_received_on=data["received_on"],
            notice_sent_on=data["sent_on"],
            notice_sent_at=data["sent_at"],
            actor=actor,
        )
        parts = []
        if outcome.withdrawn_line_ids:
            parts.append(f"{len(outcome.withdrawn_line_ids)} line(s) withdrawn from the offer")
        if outcome.cancellation:
            parts.append(f"cancellation {outcome.cancellation.pk} recorded")
        return f"Order {order.pk}: {' and '.join(parts)}."

    return call


class ReturnForm(forms.Form):
    """R3: what came back, when, and in what state; our postage is reimbursed on top."""

    lines = LineChoiceField(queryset=OrderLine.objects.none(), label="Lines returned")
    received_on = forms.DateField(initial=clock.today, help_text="YYYY-MM-DD")
    condition = forms.ChoiceField(choices=GoodsReturn.Condition.choices)
    condition_notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_only = forms.BooleanField(required=False, label="Proof of posting only (goods not yet back)")
    return_postage = PoundsField(required=False, label="Return postage the customer paid (£)",
                                 help_text="Reimbursed when the goods were damaged or sub-standard")

    def __init__(self, *args, cancellation: Cancellation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].queryset = OrderLine.objects.filter(
            cancellation_line__cancellation=cancellation, cancellation_line__to_come_back=True
        ).select_related("product")


def return_record(cancellation: Cancellation):
    def call(data, actor) -> str:
        services.goods_return_record(
            cancellation_id=cancellation.pk,
            line_ids=[line.pk for line in data["lines"]],
            received_on=data["received_on"],
            condition=data["condition"],
            condition_notes=data["condition_notes"],
            evidence_only=data["evidence_only"],
            return_postage_pence=data["return_postage"] or 0,
            actor=actor,
        )
        return f"Return recorded for cancellation {cancellation.pk}; the refund is now owed."

    return call


class FaultClaimForm(forms.Form):
    line = OneLineField(queryset=OrderLine.objects.none(), label="Faulty line")
    reported_on = forms.DateField(initial=clock.today, help_text="YYYY-MM-DD")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What is wrong")

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = order.lines.filter(shipment__delivered_at__isnull=False).select_related(
            "product"
        )


def fault_claim_record(order: Order):
    def call(data, actor) -> str:
        claim = services.fault_claim_open(
            order_line_id=data["line"].pk,
            description=data["description"],
            reported_on=data["reported_on"],
            actor=actor,
        )
        return f"Fault claim {claim.pk} recorded; it is being examined."

    return call


class ExaminationForm(forms.Form):
    """R7: what the examination found; faulty goods are refunded, replaced or repaired."""

    outcome = forms.ChoiceField(choices=[("faulty", "Faulty"), ("not_faulty", "Not faulty")], widget=forms.RadioSelect)
    remedy = forms.ChoiceField(choices=[("", "— (not faulty)"), *FaultClaim.Remedy.choices], required=False)
    findings = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


def examination_record(claim: FaultClaim):
    def call(data, actor) -> str:
        services.fault_claim_decide(
            claim_id=claim.pk,
            faulty=data["outcome"] == "faulty",
            remedy=data["remedy"],
            findings=data["findings"],
            actor=actor,
        )
        return f"Fault claim {claim.pk}: examination recorded and written to the customer."

    return call


def order_url(order: Order) -> str:
    return reverse("admin:orders_order_change", args=[order.pk])
