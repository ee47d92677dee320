"""The words the portal itself writes in a request's history, kept as a code and its values and put in the
reader's language only when read.

A change to a figure (MoneyChange.detail_code) or a note the ISO 18626 exchange or a borrowing step leaves for
staff (InternalNote.text_code) stores one of the codes below with its values: numbers, names and dates as
data, dates in ISO 8601. Whoever reads it later, in English or in Korean, sees the sentence in their own
language with the dates written for them. The values are never translated: a receipt number, a lender's name
or words a person typed are shown as they were given.
"""

from datetime import date
from typing import Any, NamedTuple

from django.utils import formats
from django.utils.translation import pgettext_lazy

# Values under these names are dates (stored as YYYY-MM-DD), written in the reader's way when shown.
DATES = frozenset({"date"})


class Words:
    """The codes; SENTENCES gives each its sentence (a msgid in the context "history", written out in each call so that makemessages finds it) with the values it takes."""

    # What was paid, on a figure's change (ill.services.borrowing, ill.services.invoices).
    PAID = "paid"
    PAID_OUT = "paid_out"
    INVOICE = "invoice"
    INVOICE_REPLACING = "invoice_replacing"
    INVOICE_VOIDED = "invoice_voided"
    INVOICE_PAID = "invoice_paid"
    # Notes for staff (ill.services.iso18626, ill.services.borrowing).
    SENT_TO_USER = "sent_to_user"
    PEER_RENEWED = "peer_renewed"
    PEER_RECEIVED = "peer_received"
    PEER_SHIPPED_RETURN = "peer_shipped_return"
    PEER_SAID = "peer_said"
    PEER_ASKS_CANCEL = "peer_asks_cancel"
    LENDER_REFUSED_CANCEL = "lender_refused_cancel"
    LENDER_SAID = "lender_said"
    LENDER_SAID_YES = "lender_said_yes"
    LENDER_SAID_NO = "lender_said_no"
    LENDER_STATUS_REFUSED = "lender_status_refused"
    LENDER_SENT = "lender_sent"
    LENDER_NEEDS = "lender_needs"
    LENDER_NOTE = "lender_note"


SENTENCES = {
    Words.PAID: pgettext_lazy("history", "paid on %(date)s, receipt %(receipt)s"),
    Words.PAID_OUT: pgettext_lazy("history", "paid on %(date)s"),
    Words.INVOICE: pgettext_lazy("history", "invoice %(number)s"),
    Words.INVOICE_REPLACING: pgettext_lazy("history", "invoice %(number)s, in place of %(void)s"),
    Words.INVOICE_VOIDED: pgettext_lazy("history", "invoice %(number)s voided"),
    Words.INVOICE_PAID: pgettext_lazy("history", "invoice %(number)s, receipt %(receipt)s, received on %(date)s"),
    Words.SENT_TO_USER: pgettext_lazy("history", "Sent to the user as our message: %(text)s"),
    Words.PEER_RENEWED: pgettext_lazy(
        "history", "%(peer)s asked to renew the loan; it was answered yes: it is now due back on %(date)s."
    ),
    Words.PEER_RECEIVED: pgettext_lazy("history", "%(peer)s says it has received the material: record what was sent."),
    Words.PEER_SHIPPED_RETURN: pgettext_lazy(
        "history", "%(peer)s has shipped the loan back: mark it returned when it arrives."
    ),
    Words.PEER_SAID: pgettext_lazy("history", "From %(peer)s (ISO 18626 %(action)s): %(note)s"),
    Words.PEER_ASKS_CANCEL: pgettext_lazy(
        "history", "%(peer)s asks to cancel this request: accept or refuse on the request's page. %(note)s"
    ),
    Words.LENDER_REFUSED_CANCEL: pgettext_lazy("history", "%(lender)s refused to cancel."),
    Words.LENDER_SAID: pgettext_lazy("history", "From %(lender)s (ISO 18626 %(reason)s): %(said)s"),
    Words.LENDER_SAID_YES: pgettext_lazy("history", "From %(lender)s (ISO 18626 %(reason)s, yes): %(said)s"),
    Words.LENDER_SAID_NO: pgettext_lazy("history", "From %(lender)s (ISO 18626 %(reason)s, no): %(said)s"),
    Words.LENDER_STATUS_REFUSED: pgettext_lazy(
        "history", "%(lender)s reported %(status)s, which could not be recorded: %(why)s"
    ),
    Words.LENDER_SENT: pgettext_lazy("history", "%(lender)s has sent the material: record its arrival when it comes."),
    Words.LENDER_NEEDS: pgettext_lazy("history", "%(lender)s needs something before it can supply."),
    Words.LENDER_NOTE: pgettext_lazy("history", "Note from %(lender)s (ISO 18626): %(said)s"),
}


class Phrase(NamedTuple):
    """A sentence of the history as it is kept: its code and its values."""

    code: str
    values: dict[str, str]


def phrase(code: str, **values: object) -> Phrase:
    """`code` with `values` as the history keeps them: dates as YYYY-MM-DD, everything else as text.

    Refuses a code it does not know, so nothing is recorded that cannot be read back."""
    if code not in SENTENCES:
        raise ValueError(f"No history sentence is coded {code!r}.")
    return Phrase(code, {
        name: value.isoformat() if isinstance(value, date) else str(value) for name, value in values.items()
    })


def in_words(code: str, values: dict[str, Any] | None) -> str:
    """The sentence of `code` with its `values`, in the language active now; dates written for the reader.

    The result is plain text (the values in it are as given, to be escaped where shown). A code no longer
    known shows its values as they are, rather than nothing."""
    values = values or {}
    if code not in SENTENCES:
        return " ".join(str(value) for value in values.values())
    shown = {name: _shown(name, value) for name, value in values.items()}
    try:
        return str(SENTENCES[code]) % shown
    except (KeyError, TypeError, ValueError):
        # Values that no longer fit the sentence: the values themselves, rather than an error on the page.
        return " ".join(str(value) for value in values.values())


def _shown(name: str, value: Any) -> Any:
    if name in DATES and isinstance(value, str):
        try:
            return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return value
