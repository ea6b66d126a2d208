"""D6/D7: every model holding personal data is answered for by its app's `personal_data` provider.

A model has personal data when it has a name, email, phone, address, free text about a person
or a file. A new model like that, with no provider naming it, fails here until its app's
provider exports and erases it (or it is listed below with the reason it holds none).
"""

import re

from django.apps import apps
from django.db import models
from phonenumber_field.modelfields import PhoneNumberField

from customers.models import CallRecording, Customer
from mint_shop.personal_data import providers

PROJECT_APPS = ("customers", "catalogue", "consents", "notifications", "promotions", "orders", "payments",
                "cancellations", "mint_shop")
PERSONAL_NAME = re.compile(
    r"(^|_)(name|names|drawer|address|line1|line2|postcode|town|recipient|summary|description|details|notes|"
    r"reason|wording|findings|text|payload|data|data_shared|number|phone)($|_)"
)

# Models whose personal-looking fields are about no person, each with why.
NOT_PERSONAL = {
    "catalogue.Range": "product ranges",
    "catalogue.Product": "products",
    "catalogue.DeliveryOption": "delivery options",
    "catalogue.TermsVersion": "the terms and conditions text",
    "promotions.PromoCode": "a promo code and why marketing withdrew it",
    "consents.TpsNumber": "the public TPS register, not linked to any customer",
    "consents.TpsImport": "the TPS file's name and counts",
    "payments.StripeEvent": "Stripe's event as received, kept for replay (M10); not linked to a customer",
    "payments.StatementLine": "bank and Stripe statement lines (M9), references only",
}


def _personal_fields(model) -> list[str]:
    found = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.EmailField | PhoneNumberField | models.FileField):
            found.append(field.name)
        elif isinstance(field, models.CharField | models.TextField | models.JSONField) and (
            PERSONAL_NAME.search(field.name)
        ):
            found.append(field.name)
    return found


def _project_models():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and not model.__name__.startswith("Historical"):
            yield model


def test_d6_every_model_with_personal_data_has_a_provider():
    covered = {model._meta.label for provider in providers() for model in provider.models}
    missing = {
        model._meta.label: _personal_fields(model)
        for model in _project_models()
        if _personal_fields(model) and model._meta.label not in covered and model._meta.label not in NOT_PERSONAL
    }
    assert missing == {}, f"models with personal data and no personal_data provider: {missing}"


def test_d6_every_app_with_personal_data_registers_its_own_provider():
    for provider in providers():
        assert {model._meta.app_label for model in provider.models} == {provider.app}


def test_d6_the_detector_sees_names_contacts_free_text_and_files():
    assert {"first_name", "email", "phone", "address_line1", "postcode"} <= set(_personal_fields(Customer))
    assert {"recording_file", "transcript_file", "customer_number"} <= set(_personal_fields(CallRecording))
