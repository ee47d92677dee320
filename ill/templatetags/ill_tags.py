"""Template helpers for ILL pages: the terms, money and choice labels."""

from django import template

from ..rules import terms

register = template.Library()


@register.inclusion_tag("ill/includes/terms.html")
def ill_terms():
    """The source's conditions and payment terms, from ill.rules.terms, wherever a request is made or shown."""
    return {"terms": terms}


@register.filter
def money(amount, currency="USD"):
    return f"{currency} {amount:.2f}" if amount is not None else ""


@register.filter
def label(instance, field_name):
    """The label of a choice field's value, as `get_<field>_display` gives it.

    Found by comparing the values alone: `get_<field>_display` hashes every label of the field's
    choices, translating each, which the tracking page would pay for on every line of its history.
    """
    value = getattr(instance, field_name)
    for choice, choice_label in instance._meta.get_field(field_name).flatchoices:
        if choice == value:
            return choice_label
    return value
