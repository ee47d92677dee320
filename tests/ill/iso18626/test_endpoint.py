"""POST /iso18626/: a partner system's request becomes an ILL request, and every bad message is answered
with the error the standard gives, a valid confirmation, and nothing kept."""

import dataclasses
from decimal import Decimal

import pytest
from django.test import Client, override_settings

from ill.iso18626.messages import AgencyId, BibliographicItemId, PublicationInfo
from ill.iso18626.vocabulary import Action, ErrorType, MessageType
from ill.models import IllRequest, Iso18626Message, Iso18626Transaction, StatusChange
from ill.status import Status
from partners.models import Institution, Iso18626Peer

from .examples import make_request
from .partner import ENDPOINT, action_body, answer, error_of, header, lender_body, post, request_body

pytestmark = pytest.mark.django_db

NOTHING_KEPT = {"requests": 0, "messages": 0, "transactions": 0, "history": 0}


def kept():
    return {
        "requests": IllRequest.objects.count(),
        "messages": Iso18626Message.objects.count(),
        "transactions": Iso18626Transaction.objects.count(),
        "history": StatusChange.objects.count(),
    }


def test_a_request_from_a_peer_becomes_an_ill_request_in_the_staff_queue(
    client, royal_library, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, request_body())

    confirmation = answer(response)
    assert confirmation.is_ok and confirmation.confirms == MessageType.REQUEST
    assert confirmation.header.requesting_agency_request_id == "DK-2026-0042"
    ill_request = IllRequest.objects.get()
    assert ill_request.requesting_library == royal_library.institution
    assert ill_request.status == Status.REQUEST_RECEIVED and ill_request.history.count() == 1
    # The same fees, due date and copyright flag as a request through the form.
    assert (ill_request.service, ill_request.pages_wanted, ill_request.page_count) == ("copy", "12-30", 19)
    assert (ill_request.copying_fee, ill_request.shipping_fee, ill_request.currency) == (
        Decimal("9.00"), Decimal("0.00"), "USD"
    )
    assert ill_request.delivery == "electronic" and ill_request.email == "ill@kb.dk"
    assert ill_request.copyright_check_needed and ill_request.due_date > ill_request.received_at.date()
    # The bibliographic fields of an article in a serial.
    assert (ill_request.item_type, ill_request.serial_title, ill_request.article_title) == (
        "article", "Korea Journal: A quarterly", "Hangeul and the printing of the Joseon dynasty"
    )
    assert (ill_request.author, ill_request.volume, ill_request.issue, ill_request.issn, ill_request.year) == (
        "Kim, Min-ji", "59", "2", "00233900", 2019
    )
    assert ill_request.max_cost_usd == Decimal("25.00")
    link = ill_request.iso18626
    assert (link.peer, link.requesting_agency_request_id, link.supplying_agency_request_id) == (
        royal_library, "DK-2026-0042", ill_request.reference
    )
    assert (link.patron_reference, link.max_cost, link.max_cost_currency, link.service_type) == (
        "P-99812", Decimal("25.00"), "USD", "Copy"
    )
    message = Iso18626Message.objects.get()
    assert message.incoming and message.state == Iso18626Message.State.RECEIVED
    assert "DK-2026-0042" in message.body and "<messageStatus>OK</messageStatus>" in message.confirmation


def test_a_chapter_of_a_book_keeps_its_own_title_and_author(client, royal_library):
    book = make_request().bibliographic_info
    chapter = dataclasses.replace(
        book, title="Han'guk munhak sa", subtitle=None, author="Cho, Dong-il",
        title_of_component="The novel in the eighteenth century", author_of_component="Kim, Hŭng-gyu",
        item_ids=(BibliographicItemId(identifier="978-89-364-3456-4", code="isbn"),),
    )
    response = post(client, request_body(
        bibliographic_info=chapter, publication_info=PublicationInfo(publication_type="Chapter", publisher="Chisik"),
    ))

    assert answer(response).is_ok
    ill_request = IllRequest.objects.get()
    assert (ill_request.item_type, ill_request.title, ill_request.author) == (
        "monograph", "Han'guk munhak sa", "Cho, Dong-il"
    )
    assert (ill_request.part_title, ill_request.part_author) == (
        "The novel in the eighteenth century", "Kim, Hŭng-gyu"
    )
    assert ill_request.isbn == "9788936434564"


def test_the_same_request_sent_again_is_answered_ok_and_makes_nothing_new(client, royal_library):
    first = answer(post(client, request_body()))
    again = answer(post(client, request_body()))

    assert first.is_ok and again.is_ok
    assert IllRequest.objects.count() == 1 and Iso18626Transaction.objects.count() == 1
    # Both messages are kept on the one request, for staff to see the peer sent it twice.
    assert Iso18626Message.objects.filter(incoming=True).count() == 2
    assert IllRequest.objects.get().history.count() == 1


def test_a_request_id_sent_again_for_another_item_is_refused(client, royal_library):
    answer(post(client, request_body()))
    other = dataclasses.replace(make_request().bibliographic_info, title_of_component="Another article")

    error_type, value = error_of(post(client, request_body(bibliographic_info=other)))

    assert error_type == ErrorType.UNRECOGNISED_DATA_VALUE and "sent before with other details" in value
    assert IllRequest.objects.count() == 1 and Iso18626Message.objects.count() == 1


def test_another_request_id_from_the_same_peer_is_another_request(client, royal_library):
    answer(post(client, request_body("DK-1")))
    answer(post(client, request_body("DK-2")))

    assert IllRequest.objects.count() == 2


def test_an_unknown_requesting_agency_is_refused(client, royal_library):
    body = request_body(header=header(requesting=AgencyId(id_type="ISIL", value="XX-1")))

    error_type, value = error_of(post(client, body))

    assert error_type == ErrorType.UNRECOGNISED_DATA_VALUE and "XX-1" in value and "requestingAgencyId" in value
    assert kept() == NOTHING_KEPT


def test_a_request_for_another_supplier_is_refused(client, royal_library):
    other = AgencyId(id_type="ISIL", value="JP-1000001")

    error_type, value = error_of(post(client, request_body(header=header(supplying=other))))

    assert error_type == ErrorType.UNRECOGNISED_DATA_VALUE and "supplyingAgencyId" in value
    assert kept() == NOTHING_KEPT


def test_agency_ids_are_compared_without_case(client, royal_library):
    lower = header(
        supplying=AgencyId(id_type="isil", value="kr-senl"),
        requesting=AgencyId(id_type="ISIL", value="dk-710100"),
    )

    assert answer(post(client, request_body(header=lower))).is_ok


def test_an_empty_request_id_is_refused(client, royal_library):
    error_type, value = error_of(post(client, request_body(request_id="  ")))

    assert error_type == ErrorType.UNRECOGNISED_DATA_VALUE and "requestingAgencyRequestId" in value
    assert kept() == NOTHING_KEPT


def test_a_copy_without_pages_the_portal_can_read_is_refused(client, royal_library):
    bib = dataclasses.replace(make_request().bibliographic_info, pages_requested="the good bits")

    error_type, value = error_of(post(client, request_body(bibliographic_info=bib)))

    assert error_type == ErrorType.UNRECOGNISED_DATA_VALUE and "pagesRequested" in value
    assert kept() == NOTHING_KEPT


def test_a_message_about_a_request_nlk_does_not_know_is_refused(client, royal_library):
    error_type, value = error_of(post(client, action_body(Action.STATUS_REQUEST, "DK-unknown")))

    assert error_type == ErrorType.UNRECOGNISED_DATA_VALUE and "DK-unknown" in value
    assert kept() == NOTHING_KEPT


def test_an_action_nlk_does_not_take_is_refused(client, royal_library):
    answer(post(client, request_body()))
    before = kept()

    error_type, value = error_of(post(client, action_body(Action.SHIPPED_FORWARD)))

    assert error_type == ErrorType.UNSUPPORTED_ACTION_TYPE and "ShippedForward" in value
    assert kept() == before


def test_an_action_outside_the_standard_is_refused(client, royal_library):
    body = action_body(Action.STATUS_REQUEST).replace(b"<action>StatusRequest</action>", b"<action>Teleport</action>")

    assert error_of(post(client, body))[0] == ErrorType.UNSUPPORTED_ACTION_TYPE
    assert kept() == NOTHING_KEPT


def test_a_reason_for_message_outside_the_standard_is_refused(client, royal_library):
    body = lender_body("ILL-2026-000001", "WillSupply").replace(
        b"<reasonForMessage>StatusChange</reasonForMessage>", b"<reasonForMessage>Gossip</reasonForMessage>"
    )

    error_type, _value = error_of(post(client, body))

    assert error_type == ErrorType.UNSUPPORTED_REASON_FOR_MESSAGE_TYPE
    assert kept() == NOTHING_KEPT


@pytest.mark.parametrize(
    "body",
    [
        b"<ISO18626Message><request>",
        b"not xml at all",
        b"",
        b'<?xml version="1.0"?><ISO18626Message xmlns="http://illtransactions.org/2013/iso18626"/>',
    ],
    ids=["unclosed", "text", "empty", "no version"],
)
def test_bad_xml_is_a_badly_formed_message(client, royal_library, body):
    assert error_of(post(client, body))[0] == ErrorType.BADLY_FORMED_MESSAGE
    assert kept() == NOTHING_KEPT


def test_a_message_the_schema_refuses_is_a_badly_formed_message(client, royal_library):
    body = request_body().replace(b"<bibliographicInfo>", b"<bibliographicInfo><volume>1</volume>", 1)

    assert error_of(post(client, body))[0] == ErrorType.BADLY_FORMED_MESSAGE
    assert kept() == NOTHING_KEPT


def test_an_xml_bomb_is_refused_without_expanding_it(client, royal_library):
    entities = "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE ISO18626Message [<!ENTITY lol0 "lol">{entities}]>'
        '<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626"><request><header>'
        "<requestingAgencyRequestId>&lol9;</requestingAgencyRequestId></header></request></ISO18626Message>"
    ).encode()

    response = post(client, bomb)

    assert error_of(response)[0] == ErrorType.BADLY_FORMED_MESSAGE
    assert b"lollol" not in response.content and len(response.content) < 4000
    assert kept() == NOTHING_KEPT


def test_an_external_entity_is_never_read(client, royal_library, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    body = request_body().replace(
        b"<?xml version='1.0' encoding='UTF-8'?>",
        f'<?xml version="1.0"?><!DOCTYPE ISO18626Message [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode(),
    ).replace(b"<title>Korea Journal</title>", b"<title>&xxe;</title>")
    assert b"&xxe;" in body and b"DOCTYPE" in body

    response = post(client, body)

    assert error_of(response)[0] == ErrorType.BADLY_FORMED_MESSAGE
    assert b"TOP-SECRET" not in response.content
    assert kept() == NOTHING_KEPT


@override_settings(ILL_ISO18626_MAX_BYTES=2000)
def test_a_body_over_the_size_limit_is_refused(client, royal_library):
    body = request_body()
    assert len(body) > 2000

    error_type, value = error_of(post(client, body))

    assert error_type == ErrorType.BADLY_FORMED_MESSAGE and "larger than 2000 bytes" in value
    assert kept() == NOTHING_KEPT


@pytest.mark.parametrize("content_type", ["text/xml", "application/xml; charset=utf-8"])
def test_both_xml_content_types_are_taken(client, royal_library, content_type):
    assert answer(post(client, request_body(), content_type=content_type)).is_ok


def test_a_body_that_is_not_sent_as_xml_is_refused(client, royal_library):
    assert error_of(post(client, request_body(), content_type="text/plain"))[0] == ErrorType.BADLY_FORMED_MESSAGE
    assert kept() == NOTHING_KEPT


def test_only_post_is_answered(client, royal_library):
    assert client.get(ENDPOINT).status_code == 405


def test_the_endpoint_needs_no_login_and_no_csrf_token(royal_library):
    strict = Client(enforce_csrf_checks=True)

    assert answer(post(strict, request_body())).is_ok


@override_settings(ILL_ISO18626_RATE="3/m")
def test_a_client_posting_too_fast_is_told_to_wait_and_nothing_is_kept(client, royal_library):
    for n in range(3):
        answer(post(client, request_body(f"DK-{n}")))

    response = post(client, request_body("DK-3"))

    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert IllRequest.objects.count() == 3


def test_a_peer_removed_from_the_directory_is_no_longer_answered_ok(client, royal_library):
    Iso18626Peer.objects.filter(pk=royal_library.pk).update(agency_id_value="DK-999")

    assert error_of(post(client, request_body()))[0] == ErrorType.UNRECOGNISED_DATA_VALUE


def test_the_requester_is_emailed_with_its_tracking_link_where_the_peer_gave_an_email(
    client, royal_library, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer(post(client, request_body()))

    ill_request = IllRequest.objects.get()
    assert [m.to for m in mailoutbox] == [["ill@kb.dk"]]
    assert ill_request.tracking_token in mailoutbox[0].body
    assert client.get(f"/ill/track/{ill_request.tracking_token}/").status_code == 200


def test_a_request_without_any_email_is_taken_and_followed_by_iso18626_alone(
    client, royal_library, mailoutbox, django_capture_on_commit_callbacks
):
    Institution.objects.filter(pk=royal_library.institution_id).update(ill_email="")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, request_body(requested_delivery_info=(), requesting_agency_info=None))

    assert answer(response).is_ok
    ill_request = IllRequest.objects.get()
    assert ill_request.email == "" and mailoutbox == []
    (skipped,) = ill_request.emails.all()
    assert skipped.status == "skipped" and "no email address" in skipped.error
