"""The request forms in either language: the live fee quote keeps to the forms' delivery rule, and a change of
language in the middle of a form keeps what was typed."""

import importlib
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from ill.models import FeeSchedule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE

LOAN_BY_POST = {"en": "A loan can only be sent by post.", "ko": "대출 자료는 우편으로만 보낼 수 있습니다."}
LABELS = {
    "en": {"loan": "Loan", "electronic": "Electronically", "post": "By post", "copy": "Copy (document delivery)"},
    "ko": {"loan": "대출", "electronic": "전자 전송", "post": "우편", "copy": "복사(원문 제공)"},
}


@pytest.fixture
def portal(live_server, settings, reference_data):
    FeeSchedule.objects.get_or_create(**SOURCE_SCHEDULE)
    settings.PORTAL_URL = live_server.url
    cache.clear()
    return live_server


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_loan_chosen_with_electronic_delivery_is_refused_at_once_beside_the_choice_and_in_the_quote(
    open_as, portal, language
):
    page = open_as(None, language)
    page.goto("/ill/request/")
    words = LABELS[language]

    page.get_by_label(words["loan"], exact=True).check()
    page.get_by_label(words["post"], exact=True).check()
    expect(page.locator("#fee-preview")).to_contain_text("USD 3.00")
    page.get_by_label(words["electronic"], exact=True).check()

    expect(page.locator("#fee-preview")).to_have_text(LOAN_BY_POST[language])
    expect(page.locator("#fee-preview-box")).to_have_class(
        "fee-preview card mb-3 fee-preview-over"
    )
    rule = page.locator("#div_id_delivery #delivery-rule")
    expect(rule).to_have_text(LOAN_BY_POST[language])
    expect(page.get_by_label(words["electronic"], exact=True)).to_have_attribute("aria-describedby", "delivery-rule")

    # Back to post, the quote is a price again and the note is gone.
    page.get_by_label(words["post"], exact=True).check()
    expect(page.locator("#fee-preview")).to_contain_text("USD 3.00")
    expect(rule).to_be_hidden()


def test_without_javascript_the_form_refuses_a_loan_sent_electronically(chromium, portal):
    context = chromium.new_context(base_url=portal.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/ill/request/")
    page.get_by_label("Loan", exact=True).check()
    page.get_by_label("Electronically", exact=True).check()
    page.get_by_role("button", name="Review the request").click()

    expect(page.locator("#error-summary")).to_contain_text("Delivery: A loan can only be sent by post.")
    context.close()


def _fill_request_form(page):
    page.locator("#id_contact_name").fill("Karma Wangmo")
    page.locator("#id_email").fill("ill@library.example.bt")
    page.locator("#id_postal_address").fill("Kawajangsa\nThimphu 11001")
    page.locator("#id_item_type_1").check()
    page.locator("#id_article_title").fill("조선 후기 금속활자")
    page.locator("#id_notes").fill("Urgent <b>please</b>")
    page.locator("#id_confirms_published_in_korea").check()


def _expect_request_form_filled(page):
    expect(page.locator("#id_contact_name")).to_have_value("Karma Wangmo")
    expect(page.locator("#id_email")).to_have_value("ill@library.example.bt")
    expect(page.locator("#id_postal_address")).to_have_value("Kawajangsa\nThimphu 11001")
    expect(page.locator("#id_item_type_1")).to_be_checked()
    expect(page.locator("#id_article_title")).to_be_visible()
    expect(page.locator("#id_article_title")).to_have_value("조선 후기 금속활자")
    expect(page.locator("#id_notes")).to_have_value("Urgent <b>please</b>")
    expect(page.locator("#id_confirms_published_in_korea")).to_be_checked()
    expect(page.locator("#id_confirms_not_available_elsewhere")).not_to_be_checked()


def test_switching_language_in_the_middle_of_the_request_form_keeps_what_was_typed(open_as, portal):
    page = open_as(None, "en")
    addresses = []
    page.on("request", lambda request: addresses.append(request.url))
    page.goto("/ill/request/?rft.title=Korea+Journal")
    _fill_request_form(page)

    page.get_by_role("button", name="한국어").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("국제 상호대차 및 원문 제공 신청")
    _expect_request_form_filled(page)
    expect(page.get_by_role("status").filter(has_text="입력한 내용")).to_be_visible()

    page.get_by_role("button", name="English").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("International ILL and document delivery request")
    _expect_request_form_filled(page)
    # Nothing typed travelled in an address, and nothing is left in the tab once the form is back.
    assert not [url for url in addresses if "Karma" in url or "example.bt" in url]
    assert page.evaluate("Object.keys(sessionStorage).filter((k) => k.startsWith('nlk-kept-form:'))") == []

    # A page loaded afresh afterwards is not filled from an old switch.
    page.goto("/ill/request/")
    expect(page.locator("#id_contact_name")).to_have_value("")


def test_switching_language_in_the_middle_of_the_borrowing_form_keeps_what_was_typed(open_as, people, portal):
    page = open_as(people["user in Korea"], "ko")
    page.goto("/ill/borrow/")
    page.locator("#id_title").fill("The Korean War: A History")
    page.locator("#id_author").fill("Cumings, Bruce")
    page.locator("#id_notes").fill("3장만 필요합니다")
    page.locator("#id_service_1").check()

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#id_title")).to_have_value("The Korean War: A History")
    expect(page.locator("#id_author")).to_have_value("Cumings, Bruce")
    expect(page.locator("#id_notes")).to_have_value("3장만 필요합니다")
    expect(page.locator("#id_service_1")).to_be_checked()


def test_switching_language_on_the_review_step_brings_the_form_back_filled_in(open_as, portal):
    page = open_as(None, "en")
    page.goto("/ill/request/")
    page.get_by_label("Find your library by name, other spelling or country").press_sequentially("Butan")
    page.get_by_role("button", name=re.compile("National Library of Bhutan")).click()
    _fill_request_form(page)
    page.locator("#id_serial_title").fill("Korea Journal")
    page.locator("#id_pages_wanted").fill("3-9")
    page.locator("#id_confirms_not_available_elsewhere").check()
    page.get_by_role("button", name="Review the request").click()
    expect(page.get_by_role("heading", name="Check your request")).to_be_visible()
    library = page.locator("input[name=requesting_library]").input_value()

    page.get_by_role("button", name="한국어").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("국제 상호대차 및 원문 제공 신청")
    expect(page.get_by_label("신청 도서관")).to_have_value(library)
    expect(page.locator("#id_contact_name")).to_have_value("Karma Wangmo")
    expect(page.locator("#id_notes")).to_have_value("Urgent <b>please</b>")
    expect(page.locator("#id_item_type_1")).to_be_checked()
    expect(page.locator("#id_pages_wanted")).to_have_value("3-9")
    expect(page.locator("#id_confirms_published_in_korea")).to_be_checked()
    expect(page.locator("#id_confirms_not_available_elsewhere")).to_be_checked()
    expect(page.locator("#fee-preview")).to_contain_text("7쪽")
