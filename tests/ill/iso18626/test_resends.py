"""What is kept of a peer's message is its canonical form, and the same message sent again (padded or not)
is counted on the row already kept rather than kept again, and acted on once."""

import re

import pytest
from lxml import etree

from ill.iso18626.vocabulary import Action, MessageType
from ill.models import IllRequest, InternalNote, Iso18626Message

from .partner import action_body, answer, post, request_body

pytestmark = pytest.mark.django_db


def padded(body: bytes) -> bytes:
    """The same message with comments and whitespace between its elements, as a resend might carry."""
    return (
        body.replace(b"<header>", b"<header>\n" + b" " * 4000 + b"<!-- sent again -->\n      ", 1)
        .replace(b"</ISO18626Message>", b"\n<!-- " + b"x" * 4000 + b" -->\n</ISO18626Message>")
        + b"\n\n<!-- end -->\n"
    )


def test_what_is_kept_is_the_canonical_form_with_the_text_as_sent(client, royal_library):
    body = request_body().replace(b"<title>Korea Journal</title>", b"<title>  Korea   Journal </title>")
    assert b"<title>  Korea   Journal </title>" in body

    assert answer(post(client, padded(body))).is_ok

    kept = Iso18626Message.objects.get().body
    assert kept.startswith('<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626"')
    assert "<!--" not in kept and "sent again" not in kept and "xxxx" not in kept
    assert not re.search(r">\s+<", kept)
    assert "<title>  Korea   Journal </title>" in kept
    # The same document, less what says nothing.
    assert etree.fromstring(kept.encode()).findtext(".//{*}requestingAgencyRequestId") == "DK-2026-0042"
    assert len(kept.encode()) < len(body) - 1000


def test_a_request_sent_again_is_counted_not_kept_again(client, royal_library):
    body = request_body()

    first = answer(post(client, body))
    again = answer(post(client, body))
    padded_again = answer(post(client, padded(body)))

    assert first.is_ok and again.is_ok and padded_again.is_ok
    assert again.confirms == padded_again.confirms == MessageType.REQUEST
    assert IllRequest.objects.count() == 1 and IllRequest.objects.get().history.count() == 1
    row = Iso18626Message.objects.get()
    assert row.resends == 2 and row.last_resent_at is not None and row.last_resent_at >= row.created_at


def test_a_message_about_a_request_sent_again_is_acted_on_once(client, royal_library):
    answer(post(client, request_body()))
    body = action_body(Action.NOTIFICATION, note="Please send it as a PDF.")

    for each in (body, body, padded(body)):
        assert answer(post(client, each)).is_ok

    (note,) = [note for note in InternalNote.objects.all() if "Please send it as a PDF." in note.shown_text]
    row = Iso18626Message.objects.get(reason=Action.NOTIFICATION)
    assert row.resends == 2


def test_a_new_message_with_the_same_words_is_a_new_row(client, royal_library):
    answer(post(client, request_body()))

    # Built again, it carries a timestamp of its own: not a resend.
    answer(post(client, action_body(Action.NOTIFICATION, note="One.")))
    answer(post(client, action_body(Action.NOTIFICATION, note="Two.")))

    assert Iso18626Message.objects.filter(reason=Action.NOTIFICATION, resends=0).count() == 2
