from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def breakable_url(url: str) -> SafeString:
    """An address that a narrow line breaks after a slash, never inside an identifier."""
    return mark_safe("/<wbr>".join(escape(part) for part in str(url).split("/")))  # noqa: S308 - escaped
