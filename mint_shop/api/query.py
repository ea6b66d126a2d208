"""Reading filters from the query string: a malformed one is a 400 naming it, never a 500 in the database."""

from rest_framework.exceptions import ValidationError


def query_id(request, name: str) -> int | None:
    """`?name=` as a row id, or None when absent."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**63:  # ids are `bigint`
        raise ValidationError({name: "A whole number identifying one record."})
    return int(raw)
