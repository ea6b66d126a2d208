"""The API's JSON parser: a body nested deeper than any of ours is refused, not a RecursionError."""

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _depth(value) -> int:
    """How deeply `value` nests, counted without recursion (the point is to survive hostile input)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("The JSON body is nested too deeply.") from None
        if _depth(data) > settings.MINT_JSON_MAX_DEPTH:
            raise ParseError(f"The JSON body is nested deeper than {settings.MINT_JSON_MAX_DEPTH} levels.")
        return data
