"""Input fields shared by every app's serializers."""

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from mint_shop.money import MAX_PENCE


class PenceField(serializers.IntegerField):
    """Integer pence. Unlike IntegerField, 12.0 or 1e3 is refused rather than rounded into pence."""

    default_error_messages = {"not_whole": "A whole number of pence, written without a fraction or exponent."}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", MAX_PENCE)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or isinstance(data, float) or (
            isinstance(data, str) and not data.strip().lstrip("-").isdigit()
        ):
            self.fail("not_whole")
        return super().to_internal_value(data)


def max_length_of(model, field_name: str) -> int:
    """The column's own length, so an input serializer refuses what the database could not store."""
    return model._meta.get_field(field_name).max_length


class RefuseUnknownFields:
    """A serializer mixin: a field it does not take (a read-only one, a typo) is refused, not silently
    dropped, so a caller never believes they changed what they cannot."""

    def to_internal_value(self, data):
        unknown = sorted(set(getattr(data, "keys", dict)()) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: "This field cannot be changed here." for name in unknown})
        return super().to_internal_value(data)


class CountryCodeField(CountryField):
    """django-countries' field, refusing what is not ASCII text: a code in other digits ("²", "①")
    passes str.isdigit(), which the library then hands to int() and fails with a 500, and it turns
    0, false or an object into a blank country (issue 14)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data.isascii():
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)
