"""A request's history reads in the reader's language, whichever language the staff member who acted used:
what the portal writes is kept as a code and values, dates are written for the reader, and what a person
typed is shown as typed, escaped."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from ill.models import Invoice, MoneyChange
from ill.rules.history_words import Words, in_words, phrase
from ill.services import invoices, workflow
from ill.status import Status
from nlk_portal.core.calendar import library_today
from tests.factories import InstitutionFactory, library_user, submit_ill_request
from tests.ill.borrowing.steps import borrow, work_to_delivered

pytestmark = pytest.mark.django_db
F = MoneyChange.Figure


def history(client, ill_request, language):
    response = client.get(
        reverse("admin:ill_illrequest_history", args=[ill_request.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<tbody>"): html.index("</tbody>")]


def written(day, language):
    with translation.override(language):
        return date_format(day, "DATE_FORMAT")


@pytest.fixture
def copied(source_fee_schedule, kim, django_capture_on_commit_callbacks):
    library = InstitutionFactory(name_en="SOAS Library", country="GB")
    ill_request = submit_ill_request(requesting_library=library)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.do_transition(ill_request, Status.WILL_SUPPLY, by=kim)
        workflow.do_transition(ill_request, Status.COPY_COMPLETED, by=kim, pages_copied=20)
    return ill_request


@pytest.mark.parametrize("actor_language", ["ko", "en"])
def test_a_payment_on_an_invoice_reads_in_the_readers_language_whoever_recorded_it(
    copied, kim, client, actor_language
):
    invoice = Invoice.objects.get(request=copied)
    paid_on = library_today() - timedelta(days=1)
    with translation.override(actor_language):
        invoices.record_payment(invoice, amount=Decimal("12.00"), received_on=paid_on, receipt_number="R-9", by=kim)
    client.force_login(kim)

    english, korean = history(client, copied, "en"), history(client, copied, "ko")

    assert f"invoice {invoice.number}, receipt R-9, received on {written(paid_on, 'en')}" in english
    assert f"청구서 {invoice.number}, 영수증 R-9, {written(paid_on, 'ko')} 수납" in korean
    assert "청구서" not in english and "invoice " not in korean
    change = copied.money_changes.get(figure=F.PAID_ON_INVOICE)
    assert (change.detail, change.detail_code) == ("", Words.INVOICE_PAID)
    assert change.detail_values == {"number": invoice.number, "receipt": "R-9", "date": paid_on.isoformat()}


def test_a_prepayment_recorded_in_korean_reads_in_english_and_korean(
    client, kim, source_fee_schedule, django_capture_on_commit_callbacks
):
    ill_request = borrow(library_user(), InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE"))
    today = library_today()
    with translation.override("ko"), django_capture_on_commit_callbacks(execute=True):
        work_to_delivered(ill_request, by=kim)
    client.force_login(kim)

    english, korean = history(client, ill_request, "en"), history(client, ill_request, "ko")

    assert f"paid on {written(today, 'en')}, receipt R-{ill_request.pk}" in english
    assert f"{written(today, 'ko')} 납부, 영수증 R-{ill_request.pk}" in korean
    assert "납부" not in english and "paid on" not in korean


def test_a_message_to_the_user_is_shown_as_typed_and_escaped_in_either_language(copied, kim, client):
    # Words that are also in the catalogue stay the staff member's own words: they are not translated.
    typed = "Refund <b>soon</b> & more"
    words = phrase(Words.SENT_TO_USER, text=typed)
    copied.internal_notes.create(author=kim, text="", text_code=words.code, text_values=words.values)
    client.force_login(kim)

    english, korean = history(client, copied, "en"), history(client, copied, "ko")

    assert "Sent to the user as our message: Refund &lt;b&gt;soon&lt;/b&gt; &amp; more" in english
    assert "이용자에게 국립중앙도서관의 메시지로 보냈습니다: Refund &lt;b&gt;soon&lt;/b&gt; &amp; more" in korean
    assert "<b>soon" not in english + korean and "환불" not in korean
    page = client.get(reverse("admin:ill_illrequest_change", args=[copied.pk]), HTTP_ACCEPT_LANGUAGE="ko")
    assert "보냈습니다: Refund &lt;b&gt;soon&lt;/b&gt; &amp; more" in page.content.decode()


def test_a_staff_note_on_a_status_change_is_shown_as_typed_on_the_tracking_page(
    source_fee_schedule, kim, client, django_capture_on_commit_callbacks
):
    ill_request = submit_ill_request(requesting_library=InstitutionFactory(name_en="SOAS Library", country="GB"))
    with translation.override("ko"), django_capture_on_commit_callbacks(execute=True):
        workflow.do_transition(ill_request, Status.RETRY_POSSIBLE, by=kim, note="Refund <i>the</i> pages")
    url = reverse("ill:track", args=[ill_request.tracking_token])

    for language in ("en", "ko"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert "Refund &lt;i&gt;the&lt;/i&gt; pages" in page


def test_a_date_is_kept_as_iso_and_written_for_the_reader():
    words = phrase(Words.PAID_OUT, date=date(2026, 12, 6))

    assert words.values == {"date": "2026-12-06"}
    with translation.override("en"):
        assert in_words(*words) == "paid on Dec. 6, 2026"
    with translation.override("ko"):
        assert in_words(*words) == "2026년 12월 6일 지급"


def test_a_code_the_portal_does_not_know_is_refused_when_recorded_and_read_as_its_values():
    with pytest.raises(ValueError):
        phrase("no_such_sentence", number="X-1")
    assert in_words("no_such_sentence", {"number": "X-1"}) == "X-1"


def test_a_change_recorded_as_text_before_is_shown_as_it_was_written(copied, kim, client):
    MoneyChange.objects.create(
        request=copied, figure=F.BANK_FEE, new_amount=Decimal("1.00"), new_currency="USD",
        detail="written by hand <once>", changed_by=kim,
    )
    client.force_login(kim)

    for language in ("en", "ko"):
        assert "written by hand &lt;once&gt;" in history(client, copied, language)
