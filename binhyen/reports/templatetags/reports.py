from django import template

from .. import formatting

register = template.Library()


@register.filter
def day(value) -> str:
    """An ISO date of the review JSON as the interface writes dates (dd/mm/yyyy)."""
    return formatting.short_date(value) if value else ""
