"""Template helpers for ILL pages: the terms, money and choice labels."""

from django import template

from nlk_portal.core.money import format_amount, format_money

from ..rules import terms
from ..status import requester_label

register = template.Library()


@register.inclusion_tag("ill/includes/terms.html")
def ill_terms():
    """The source's conditions and payment terms, from ill.rules.terms, wherever a request is made or shown."""
    return {"terms": terms}


@register.filter
def money(amount, currency="USD"):
    """The amount as the portal writes money (nlk_portal.core.money): "KRW 50,000", "USD 5.00".

    Takes an amount and its currency (`amount|money:currency`), or a settlement's Money, which carries
    its own.
    """
    if hasattr(amount, "currency"):
        amount, currency = amount.amount, amount.currency
    return format_money(amount, currency)


@register.filter
def amount_in(amount, currency):
    """The amount alone, grouped and with its currency's decimals, where the currency is written beside it."""
    if amount is None or amount == "":
        return ""
    return format_amount(amount, currency)


@register.filter
def requester_status(status, borrowing=False):
    """A status as the requester reads it: `{{ change.to_status|requester_status:ill_request.is_borrowing }}`."""
    return requester_label(status, borrowing=borrowing)


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
