"""Reading filters from the query string: a malformed one is a 400 naming it, never a 500 in the database."""

from rest_framework.exceptions import ValidationError


def query_id(request, name: str) -> int | None:
    """`?name=` as a row id, or None when absent."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    # ASCII first: "²" and "①" pass str.isdigit() but not int(), "١" passes both.
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < 2**63:  # ids are `bigint`
        raise ValidationError({name: "A whole number identifying one record."})
    return int(raw)


def query_text(request, name: str) -> str | None:
    """`?name=` as text, or None when absent; a NUL byte (which no text column can hold) is a 400."""
    raw = request.query_params.get(name)
    if raw is not None and "\x00" in raw:
        raise ValidationError({name: "Text without NUL characters."})
    return raw
