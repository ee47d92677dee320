from django import template

from .. import terms

register = template.Library()


@register.inclusion_tag("ill/includes/terms.html")
def ill_terms():
    """The source's conditions and payment terms, from ill.terms, wherever a request is made or shown."""
    return {"terms": terms}


@register.filter
def money(amount, currency="USD"):
    return f"{currency} {amount:.2f}" if amount is not None else ""
