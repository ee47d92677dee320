"""NLK borrows from a lender that runs an ISO 18626 system (a real HTTP server on 127.0.0.1): staff send the
request from the borrowing's page, the lender's messages update the borrowing as staff would record the same
steps, and staff tell the lender of the material's receipt and return, or ask it to cancel."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from ill.choices import BorrowingStep, LenderAnswer
from ill.iso18626.messages import AgencyId, Request, RequestingAgencyMessage
from ill.iso18626.vocabulary import Action, ErrorType
from ill.models import IllRequest, InternalNote, Iso18626Message, SentEmail
from ill.services import borrowing
from ill.status import Status, UnfilledReason
from nlk_portal.core import calendar
from nlk_portal.core.money import Money
from partners.models import Iso18626Peer
from tests.factories import InstitutionFactory
from tests.ill.borrowing.steps import borrow

from .conftest import peer_credentials
from .examples import BROKER_SUPPLYING_AGENCY_MESSAGE, PEER_ACCOUNT_ID, PEER_SECURITY_CODE
from .partner import NLK, answer, change_url, error_of, lender_body, post

pytestmark = pytest.mark.django_db
BERLIN = AgencyId(id_type="ISIL", value="DE-1")
today = calendar.library_today


@pytest.fixture
def berlin(db, iso18626_peer, nlk_agency):
    """The Staatsbibliothek zu Berlin, whose ILL system is a registered peer with messages on."""
    institution = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
    return Iso18626Peer.objects.create(
        institution=institution, agency_id_type="ISIL", agency_id_value="DE-1", endpoint_url=iso18626_peer.url,
        **peer_credentials(),
    )


@pytest.fixture
def staff(client, kim, borrowing_groups):
    client.force_login(kim)
    return client


def step(client, ill_request, name, **data):
    shown = IllRequest.objects.get(pk=ill_request.pk).version
    response = client.post(
        reverse("admin:ill_illrequest_borrowing_step", args=[ill_request.pk, name]), {"version": shown, **data}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def steps_offered(client, ill_request):
    page = client.get(change_url(ill_request)).content.decode()
    return {
        name for name in borrowing.STEPS
        if reverse("admin:ill_illrequest_borrowing_step", args=[ill_request.pk, name]) in page
    }


def from_lender(client, ill_request, status, **info):
    """The lender's system posts a supplyingAgencyMessage about NLK's request; it must be confirmed OK."""
    confirmation = answer(post(client, lender_body(ill_request.reference, status, lender=BERLIN, **info)))
    assert confirmation.is_ok, confirmation.error_data
    return IllRequest.objects.get(pk=ill_request.pk)


def notes_of(ill_request):
    """The request's notes for staff, as they read them."""
    return [note.shown_text for note in InternalNote.objects.filter(request=ill_request)]


@pytest.fixture
def sent_by_iso18626(staff, jiwoo, berlin, source_fee_schedule, iso18626_peer, django_capture_on_commit_callbacks):
    """A user in Korea asks for a German article; staff record the prepayment and send it by ISO 18626."""
    ill_request = borrow(jiwoo, berlin.institution)
    step(staff, ill_request, BorrowingStep.PREPAYMENT, amount="60000", currency="KRW", paid_on=today().isoformat(),
         receipt_number="R-1")
    assert BorrowingStep.SEND_ISO18626 in steps_offered(staff, ill_request)
    with django_capture_on_commit_callbacks(execute=True):
        step(staff, ill_request, BorrowingStep.SEND_ISO18626, note="")
    return IllRequest.objects.get(pk=ill_request.pk)


def test_staff_send_a_borrowing_to_a_lender_peer_as_an_iso18626_request(sent_by_iso18626, iso18626_peer):
    assert sent_by_iso18626.status == Status.EXPECT_TO_SUPPLY
    assert sent_by_iso18626.borrowing.sent_to_lender_at is not None
    (post_,) = iso18626_peer.wait_for_posts(1)
    assert post_.is_valid and post_.confirmation.is_ok
    message = post_.message
    assert isinstance(message, Request)
    assert (message.header.requesting_agency_id, message.header.supplying_agency_id) == (NLK, BERLIN)
    assert message.header.requesting_agency_request_id == sent_by_iso18626.reference
    bib = message.bibliographic_info
    assert (bib.title, bib.title_of_component, bib.author_of_component) == (
        "Zeitschrift für Koreanistik", "Koreanische Literatur im Exil", "Müller, Anna"
    )
    assert (bib.volume, bib.issue, bib.pages_requested) == ("12", "3", "45-60")
    assert message.service_info.service_type == "Copy"
    assert message.billing_info.maximum_costs == Money(amount=Decimal("50000.00"), currency="KRW")
    assert "Banpo-daero" in message.requested_delivery_info[0].address.line1
    link = sent_by_iso18626.iso18626
    assert (link.peer, link.requesting_agency_request_id, link.direction) == (
        Iso18626Peer.objects.get(agency_id_value="DE-1"), sent_by_iso18626.reference, "borrows"
    )


def test_the_iso18626_step_is_offered_only_for_a_lender_peer_with_messages_on(
    staff, jiwoo, berlin, source_fee_schedule
):
    elsewhere = borrow(jiwoo, InstitutionFactory(name_en="Bodleian", country="GB"))
    to_berlin = borrow(jiwoo, berlin.institution)
    for ill_request in (elsewhere, to_berlin):
        step(staff, ill_request, BorrowingStep.PREPAYMENT, amount="1000", currency="KRW", paid_on=today().isoformat(),
             receipt_number=f"R-{ill_request.pk}")

    assert BorrowingStep.SEND_ISO18626 not in steps_offered(staff, elsewhere) and BorrowingStep.SEND in steps_offered(staff, elsewhere)
    assert {BorrowingStep.SEND_ISO18626, BorrowingStep.SEND} <= steps_offered(staff, to_berlin)
    Iso18626Peer.objects.filter(pk=berlin.pk).update(messages_on=False)
    assert BorrowingStep.SEND_ISO18626 not in steps_offered(staff, to_berlin)
    response = staff.post(reverse("admin:ill_illrequest_borrowing_step", args=[to_berlin.pk, BorrowingStep.SEND_ISO18626]), {})
    assert response.status_code == 200 and "send the request by hand" in response.content.decode()


def test_a_copy_is_followed_from_the_lenders_answer_to_the_user(
    client, staff, sent_by_iso18626, iso18626_peer, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answered = from_lender(client, sent_by_iso18626, "WillSupply", reason="RequestResponse",
                               offered_costs=Money(amount=Decimal("20000"), currency="KRW"))

    record = answered.borrowing
    assert answered.status == Status.WILL_SUPPLY
    assert (record.lender_answer, record.lender_copying_fee, record.fees_currency) == (
        LenderAnswer.AVAILABLE, Decimal("20000.00"), "KRW"
    )
    assert answered.iso18626.supplying_agency_request_id == "KB-77"
    # The user hears of it as when staff record the answer by hand.
    assert [m.to for m in mail.outbox] == [["jiwoo.han@example.kr"]]

    with django_capture_on_commit_callbacks(execute=True):
        shipped = from_lender(client, answered, "CopyCompleted")
    assert shipped.status == Status.WILL_SUPPLY and shipped.iso18626.supplier_shipped_at is not None
    assert any("has sent the material" in note for note in notes_of(shipped))

    step(staff, shipped, BorrowingStep.ARRIVAL, arrived_on=today().isoformat())
    assert BorrowingStep.TELL_RECEIVED in steps_offered(staff, shipped)
    with django_capture_on_commit_callbacks(execute=True):
        step(staff, shipped, BorrowingStep.TELL_RECEIVED, note="Arrived in good order.")
    step(staff, shipped, BorrowingStep.DELIVER, delivered_on=today().isoformat(), note="")
    assert BorrowingStep.TELL_RECEIVED not in steps_offered(staff, shipped)

    told = iso18626_peer.wait_for_posts(2)[1]
    assert told.is_valid and isinstance(told.message, RequestingAgencyMessage)
    assert (told.message.action, told.message.note) == (Action.RECEIVED, "Arrived in good order.")
    assert told.message.header.supplying_agency_request_id == "KB-77"
    assert IllRequest.objects.get(pk=shipped.pk).status == Status.COPY_COMPLETED
    rows = Iso18626Message.objects.filter(request=shipped).order_by("id")
    assert [(row.incoming, row.message_type, row.state) for row in rows] == [
        (False, "request", "confirmed"),
        (True, "supplyingAgencyMessage", "received"),
        (True, "supplyingAgencyMessage", "received"),
        (False, "requestingAgencyMessage", "confirmed"),
    ]


def test_a_loan_goes_overdue_is_recalled_and_is_shipped_back(
    client, staff, jiwoo, berlin, source_fee_schedule, iso18626_peer, django_capture_on_commit_callbacks
):
    ill_request = borrow(jiwoo, berlin.institution, service="loan", pages_wanted="", item_type="monograph",
                         title="Koreanische Grammatik", article_title="", serial_title="")
    step(staff, ill_request, BorrowingStep.PREPAYMENT, amount="60000", currency="KRW", paid_on=today().isoformat(),
         receipt_number="R-L")
    with django_capture_on_commit_callbacks(execute=True):
        step(staff, ill_request, BorrowingStep.SEND_ISO18626)
        loaned = from_lender(client, ill_request, "Loaned", reason="RequestResponse",
                             offered_costs=Money(amount=Decimal("15000"), currency="KRW"))
    assert loaned.status == Status.WILL_SUPPLY and loaned.borrowing.lender_loan_fee == Decimal("15000.00")
    step(staff, loaned, BorrowingStep.ARRIVAL, arrived_on=today().isoformat())
    step(staff, loaned, BorrowingStep.DELIVER, delivered_on=today().isoformat(),
         loan_due_on=(today().replace(year=today().year + 1)).isoformat())

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert from_lender(client, loaned, "Overdue").status == Status.OVERDUE
        assert from_lender(client, loaned, "Recalled").status == Status.RECALLED
    assert len(mail.outbox) == 2

    step(staff, loaned, BorrowingStep.RETURN, returned_on=today().isoformat())
    assert BorrowingStep.TELL_SHIPPED_RETURN in steps_offered(staff, loaned)
    with django_capture_on_commit_callbacks(execute=True):
        step(staff, loaned, BorrowingStep.TELL_SHIPPED_RETURN)
    posts = iso18626_peer.wait_for_posts(2)
    assert posts[1].message.action == Action.SHIPPED_RETURN and posts[1].is_valid
    assert IllRequest.objects.get(pk=loaned.pk).status == Status.LOAN_COMPLETED


def test_a_lender_that_cannot_supply_leaves_the_borrowing_unfilled_with_its_reason(
    client, sent_by_iso18626, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        unfilled = from_lender(client, sent_by_iso18626, "Unfilled", reason="RequestResponse",
                               reason_unfilled="NotOnShelf", note="Missing since 2019.")

    assert unfilled.status == Status.UNFILLED
    assert unfilled.borrowing.lender_answer == LenderAnswer.NOT_AVAILABLE
    change = unfilled.history.last()
    assert change.reason == UnfilledReason.NOT_AVAILABLE_FROM_LENDER
    # The lender's words are for staff, labelled as its own; the user is told the reason in NLK's words.
    assert change.note == ""
    assert "Note from Staatsbibliothek zu Berlin (ISO 18626): NotOnShelf; Missing since 2019." in notes_of(unfilled)
    [email] = mail.outbox
    assert "Missing since 2019." not in email.body and "NotOnShelf" not in email.body


def test_a_lenders_note_reaches_staff_as_the_lenders_and_the_user_only_in_staffs_words(
    client, staff, sent_by_iso18626, django_capture_on_commit_callbacks
):
    lenders_words = "Our copier is broken <until> Friday; we charge 5 EUR extra."
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answered = from_lender(client, sent_by_iso18626, "WillSupply", reason="RequestResponse", note=lenders_words,
                               offered_costs=Money(amount=Decimal("20000"), currency="KRW"))

    assert answered.status == Status.WILL_SUPPLY and answered.history.last().note == ""
    [email] = mail.outbox
    assert lenders_words not in email.body and "copier" not in email.alternatives[0][0]
    page = staff.get(change_url(answered)).content.decode()
    assert "Note from Staatsbibliothek zu Berlin (ISO 18626): Our copier is broken &lt;until&gt; Friday" in page

    # Staff pass on what the user should know, in their own words: that alone is emailed, as NLK's message.
    form = staff.get(reverse("admin:ill_illrequest_borrowing_step", args=[answered.pk, "message_user"]))
    assert "Our copier is broken &lt;until&gt; Friday" in form.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        step(staff, answered, "message_user", text="The copy may take a week longer than planned.")
    [email] = mail.outbox
    assert email.to == ["jiwoo.han@example.kr"] and "copier" not in email.body
    assert "The copy may take a week longer than planned." in email.body
    assert SentEmail.objects.get(kind=SentEmail.Kind.MESSAGE).status == SentEmail.Outcome.SENT


def test_staff_ask_the_lender_to_cancel_and_its_yes_cancels_the_borrowing(
    client, staff, sent_by_iso18626, iso18626_peer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        step(staff, sent_by_iso18626, BorrowingStep.ASK_CANCEL, note="The user no longer needs it.")
    assert BorrowingStep.ASK_CANCEL not in steps_offered(staff, sent_by_iso18626)
    cancel = iso18626_peer.wait_for_posts(2)[1].message
    assert cancel.action == Action.CANCEL

    cancelled = from_lender(client, sent_by_iso18626, "Cancelled", reason="CancelResponse", answer_yes_no=True)

    assert cancelled.status == Status.CANCELLED


def test_a_lenders_no_to_cancel_leaves_the_borrowing_as_it_was_and_staff_are_told(
    client, staff, sent_by_iso18626, iso18626_peer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        step(staff, sent_by_iso18626, BorrowingStep.ASK_CANCEL, note="The user no longer needs it.")
    iso18626_peer.wait_for_posts(2)
    before = IllRequest.objects.get(pk=sent_by_iso18626.pk)
    history = list(before.history.values_list("pk", flat=True))

    refused = from_lender(client, sent_by_iso18626, "ExpectToSupply", reason="CancelResponse", answer_yes_no=False,
                          note="Already copied.")

    assert (refused.status, refused.version) == (Status.EXPECT_TO_SUPPLY, before.version)
    assert list(refused.history.values_list("pk", flat=True)) == history
    told, said = InternalNote.objects.filter(request=refused)
    assert told.shown_text == "Staatsbibliothek zu Berlin refused to cancel."
    assert said.shown_text == "Note from Staatsbibliothek zu Berlin (ISO 18626): Already copied."
    assert told.author is None and said.author is None


def test_a_lender_that_cannot_supply_after_all_leaves_the_borrowing_unfilled_with_its_reason(
    client, sent_by_iso18626, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answered = from_lender(client, sent_by_iso18626, "WillSupply", reason="RequestResponse",
                               offered_costs=Money(amount=Decimal("20000"), currency="KRW"))
        assert answered.status == Status.WILL_SUPPLY
        unfilled = from_lender(client, answered, "Unfilled", reason_unfilled="NotOnShelf")

    assert unfilled.status == Status.UNFILLED
    change = unfilled.history.last()
    assert (change.from_status, change.reason) == (Status.WILL_SUPPLY, UnfilledReason.NOT_AVAILABLE_FROM_LENDER)
    # The lender's reason is for staff, labelled as the lender's, and not in the change the user is told of.
    assert "NotOnShelf" not in change.note
    assert any(note.startswith("Note from") and "NotOnShelf" in note for note in notes_of(unfilled))


def test_a_lenders_fees_in_its_own_currency_are_converted_by_staff_before_settling(
    client, staff, sent_by_iso18626, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answered = from_lender(client, sent_by_iso18626, "WillSupply", reason="RequestResponse",
                               offered_costs=Money(amount=Decimal("12.50"), currency="EUR"))
    assert (answered.borrowing.lender_copying_fee, answered.borrowing.fees_currency) == (Decimal("12.50"), "EUR")

    step(staff, answered, BorrowingStep.CORRECT_FEES, fees_currency="KRW", copying_fee="18000", loan_fee="", shipping_fee="5000")
    step(staff, answered, BorrowingStep.ARRIVAL, arrived_on=today().isoformat())
    step(staff, answered, BorrowingStep.DELIVER, delivered_on=today().isoformat())
    step(staff, answered, BorrowingStep.SETTLE, bank_fee="1000")

    record = IllRequest.objects.get(pk=answered.pk).borrowing
    assert (record.lender_copying_fee, record.shipping_fee, record.fees_currency) == (
        Decimal("18000.00"), Decimal("5000.00"), "KRW"
    )
    assert record.settled_at is not None
    figures = list(record.request.money_changes.filter(figure="lender_copying_fee").values_list(
        "new_amount", "new_currency"))
    assert figures == [(Decimal("12.50"), "EUR"), (Decimal("18000.00"), "KRW")]


def test_a_message_from_a_lender_the_request_did_not_go_to_is_refused(client, sent_by_iso18626):
    other = InstitutionFactory(name_en="Bodleian", country="GB")
    Iso18626Peer.objects.create(institution=other, agency_id_value="GB-OXF", endpoint_url="http://127.0.0.1:9/",
                                **peer_credentials())

    body = lender_body(sent_by_iso18626.reference, "WillSupply", lender=AgencyId(id_type="ISIL", value="GB-OXF"))
    error_type, value = error_of(post(client, body))

    assert error_type == ErrorType.UNRECOGNISED_DATA_VALUE and sent_by_iso18626.reference in value
    assert IllRequest.objects.get(pk=sent_by_iso18626.pk).status == Status.EXPECT_TO_SUPPLY


def test_a_message_the_borrowing_cannot_take_is_confirmed_and_left_for_staff(client, sent_by_iso18626):
    # Overdue before anything was lent: the lender's word is kept, and staff are told it did not fit.
    overdue = from_lender(client, sent_by_iso18626, "Overdue", note="Please return it.")

    assert overdue.status == Status.EXPECT_TO_SUPPLY
    assert any("Please return it." in note for note in notes_of(overdue))


def test_a_loan_as_the_index_data_broker_reports_it_answers_and_ships_the_borrowing(client, sent_by_iso18626):
    body = BROKER_SUPPLYING_AGENCY_MESSAGE.replace(b"DK-710100", b"DE-1").replace(
        b"6ad1ff2e-bab2-4978-b064-656c0e67ebd6", sent_by_iso18626.reference.encode()
    ).replace(b"</supplyingAgencyRequestId>", (
        "</supplyingAgencyRequestId><requestingAgencyAuthentication>"
        f"<accountId>{PEER_ACCOUNT_ID}</accountId><securityCode>{PEER_SECURITY_CODE}</securityCode>"
        "</requestingAgencyAuthentication>"
    ).encode())

    assert answer(post(client, body)).is_ok

    lent = IllRequest.objects.get(pk=sent_by_iso18626.pk)
    assert lent.status == Status.WILL_SUPPLY and lent.borrowing.lender_answer == LenderAnswer.AVAILABLE
    assert lent.iso18626.supplier_shipped_at.year == 2024
    assert lent.iso18626.supplying_agency_request_id == "c488bef0-5735-4c33-ba13-a9f343447574"
