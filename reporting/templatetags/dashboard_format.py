"""Italian number formats for the dashboards' templates (formatting only, no rules)."""

from django import template

from piao.formatting import format_number, format_percent

register = template.Library()


@register.filter
def percent(value) -> str:
    """85.5 -> "85,5%"; nothing -> "—"."""
    return format_percent(value) or "—"


@register.filter
def number(value) -> str:
    return format_number(value) or "—"
