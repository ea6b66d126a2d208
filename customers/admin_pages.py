"""Customer service's jobs on a customer as admin pages: a representative with their evidence (C6),
a recorded call (C10). Each page works on the customer named by `?customer=<id>`."""

from django import forms

from customers import services
from customers.models import CallRecording, ContactLogEntry, Customer, Representative
from customers.services.due_diligence import evidence_content_type
from mint_shop import clock


class CustomerChoiceForm(forms.Form):
    customer = forms.ModelChoiceField(queryset=Customer.objects.all(), widget=forms.NumberInput,
                                      label="Customer number")


class RepresentativeForm(forms.Form):
    kind = forms.ChoiceField(choices=Representative.Kind.choices)
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    email = forms.EmailField(required=False)
    phone = forms.CharField(required=False, max_length=32)
    appointment_reference = forms.CharField(required=False, max_length=100,
                                            help_text="The power of attorney's or court order's reference")
    evidence = forms.FileField(help_text="The appointment: PDF, JPEG or PNG")
    evidence_description = forms.CharField(required=False, max_length=200)


def representative_register(customer: Customer):
    def call(data, actor) -> str:
        evidence_content_type(data["evidence"])  # a wrong file is refused before anything is written
        representative = services.representative_register(
            customer_id=customer.pk, kind=data["kind"], first_name=data["first_name"], last_name=data["last_name"],
            email=data["email"], phone=data["phone"], appointment_reference=data["appointment_reference"],
            actor=actor,
        )
        services.evidence_document_add(
            customer_id=customer.pk, representative_id=representative.pk, upload=data["evidence"],
            description=data["evidence_description"], actor=actor,
        )
        return f"{representative.first_name} {representative.last_name} registered; compliance will verify."

    return call


class CallRecordingForm(forms.Form):
    direction = forms.ChoiceField(choices=ContactLogEntry.Direction.choices)
    purpose = forms.ChoiceField(choices=CallRecording.Purpose.choices)
    customer_number = forms.CharField(max_length=32)
    mint_number = forms.CharField(max_length=32)
    started_at = forms.DateTimeField(initial=clock.now, help_text="YYYY-MM-DD HH:MM")
    ended_at = forms.DateTimeField(required=False)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    recording_reference = forms.CharField(required=False, max_length=200)
    recording_file = forms.FileField(required=False)
    transcript_file = forms.FileField(required=False)


def call_recording_record(customer: Customer):
    def call(data, actor) -> str:
        services.call_recording_record(customer_id=customer.pk, actor=actor, **data)
        return f"Call recorded on {customer}'s contact log."

    return call
