from django import template

from workflows import privacy

register = template.Library()

register.filter("mask_id", privacy.mask_id_number)
register.filter("mask_phone", privacy.mask_phone)
register.filter("mask_name", privacy.mask_name)


@register.filter
def working_hours(seconds):
    """Working seconds as hours with one decimal (giờ làm việc)."""
    if seconds is None:
        return "—"
    return f"{seconds / 3600:.1f}"
