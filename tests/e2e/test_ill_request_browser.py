import importlib
import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from ill.models import FeeSchedule, IllRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE


@pytest.fixture
def portal(live_server, settings, reference_data):
    """The portal as `make run` serves it: the directory, the library's fees, links to this server."""
    FeeSchedule.objects.get_or_create(**SOURCE_SCHEDULE)
    settings.PORTAL_URL = live_server.url
    cache.clear()
    return live_server


def test_a_librarian_requests_a_copy_sees_the_fee_and_follows_the_request(page, portal):
    page.goto("/ill/request/")
    expect(
        page.get_by_role("heading", name="International ILL and document delivery request")
    ).to_be_visible()
    expect(page.locator(".ill-terms")).to_contain_text("Cheques are not accepted.")

    search = page.get_by_label("Find your library by name, other spelling or country")
    search.press_sequentially("Butan")
    page.get_by_role("button", name=re.compile("National Library of Bhutan")).click()
    expect(page.get_by_label("Requesting library")).to_have_value(
        str(
            IllRequest._meta.get_field("requesting_library")
            .related_model.objects.get(name_en="National Library of Bhutan")
            .pk
        )
    )

    page.get_by_label("Contact person").fill("Karma Wangmo")
    page.get_by_label("Email").fill("ill@library.example.bt")
    page.get_by_label("Postal address for delivery").fill("Kawajangsa\nThimphu 11001\nBhutan")
    page.get_by_label("Monograph (book)").check()
    page.get_by_label("Title of the book").fill("한국 근대 문학사 <개정판>")
    page.get_by_label("Author", exact=True).fill("김윤식")
    page.get_by_label("ISBN").fill("978-89-364-3456-4")
    page.get_by_label("Copy (document delivery)").check()
    page.get_by_label("By post").check()

    pages = page.get_by_label("Pages wanted")
    preview = page.locator("#fee-preview")
    pages.press_sequentially("12-20")
    expect(preview).to_have_text("9 pages: copying USD 5.00 + shipping USD 3.00 = USD 8.00")
    pages.press_sequentially(", 30-40")
    expect(preview).to_have_text("20 pages: copying USD 9.00 + shipping USD 3.00 = USD 12.00")
    expect(preview).to_have_attribute("aria-live", "polite")

    page.get_by_label("Total pages of the item").fill("320")
    page.get_by_label("The material was published or issued in Korea.").focus()
    page.keyboard.press("Space")
    page.get_by_label("The material is not available elsewhere.").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Review the request").press("Enter")

    expect(page.get_by_role("heading", name="Check your request")).to_be_visible()
    expect(page.locator(".fee-estimate")).to_contain_text("USD 12.00")
    page.get_by_role("button", name="Submit the request").click()

    ill_request = IllRequest.objects.get()
    expect(page.get_by_role("heading", name=f"Request {ill_request.reference} received")).to_be_visible()
    expect(page.locator(".due-date")).to_have_text(ill_request.due_date.isoformat())

    link = re.search(r"http://\S+/ill/track/\S+/", mail.outbox[0].body)[0]
    tracking = page.context.new_page()
    tracking.goto(link)
    expect(tracking.get_by_role("heading", name=f"Request {ill_request.reference}")).to_be_visible()
    expect(tracking.locator(".item-title")).to_have_text("한국 근대 문학사 <개정판>")
    expect(tracking.locator(".status-timeline")).to_contain_text("Request received")
    expect(tracking.locator(".request-summary")).to_contain_text("USD 12.00")


def test_without_a_library_chosen_the_errors_are_listed_and_lead_to_their_fields(page, portal):
    page.goto("/ill/request/")
    page.get_by_role("button", name="Review the request").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile("^Requesting library")).click()
    expect(page.get_by_label("Requesting library")).to_be_focused()


def test_the_library_search_of_the_korean_form_folds_accents_and_explains_a_korean_city(open_as, portal):
    page = open_as(None, "ko")
    page.goto("/ill/request/")
    search = page.get_by_label("이름, 다른 표기 또는 국가로 도서관 찾기")

    search.press_sequentially("malaga")
    expect(page.locator("#library-search-results button")).to_have_count(1)
    expect(page.locator("#library-search-results")).to_contain_text("Universidad de Málaga")

    search.fill("")
    search.press_sequentially("코펜하겐")
    expect(page.locator("#library-search-status")).to_have_text(
        "“코펜하겐”에 대한 검색 결과가 없습니다. 도시와 도서관의 이름은 각 나라의 언어로 적혀 있습니다. "
        "영어 이름이나 현지 이름으로 검색하거나 아래에 도서관을 입력하십시오."
    )
    expect(page.locator("#library-search-results button")).to_have_count(0)
