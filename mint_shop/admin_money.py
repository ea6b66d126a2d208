"""Money in the admin reads as pounds and pence.

Every amount is stored as integer pence in a field named `…_pence`; the admin would print
"2,500". Rather than a display method on every model admin, the admin's one formatter for a
field's value (and its column's label) is wrapped here (for change lists and read-only fields alike), so a new
`…_pence` field shows as £25.00 without anyone remembering to.
"""

from django.contrib.admin import helpers, utils
from django.contrib.admin.templatetags import admin_list

from mint_shop.money import format_pence

_display_for_field = utils.display_for_field
_label_for_field = utils.label_for_field


def display_for_field(value, field, empty_value_display, *args, **kwargs):
    if isinstance(value, int) and not isinstance(value, bool) and getattr(field, "name", "").endswith("_pence"):
        return format_pence(value)
    return _display_for_field(value, field, empty_value_display, *args, **kwargs)


def label_for_field(name, *args, **kwargs):
    """"Amount pence" heads a column of pounds as "Amount"."""
    found = _label_for_field(name, *args, **kwargs)
    if not (isinstance(name, str) and name.endswith("_pence")):
        return found
    label, *attr = found if isinstance(found, tuple) else (found,)
    label = str(label).removesuffix(" pence").removesuffix(" Pence")
    return (label, *attr) if isinstance(found, tuple) else label


def install() -> None:
    for module in (utils, helpers, admin_list):
        module.display_for_field = display_for_field
        module.label_for_field = label_for_field
