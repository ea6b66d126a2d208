from django import template

from mint_shop.money import format_pence

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """Pence as £1,234.56 in a staff page."""
    return "" if pence is None else format_pence(pence)
