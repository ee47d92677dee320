"""An overseas librarian fills in the request form in a real browser: the copyright limit as soon as the total
pages are known, a chapter's own fields, and a submission over the limit that keeps what was typed."""

import importlib
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from ill.models import FeeSchedule, IllRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE


@pytest.fixture
def portal(live_server, settings, reference_data):
    FeeSchedule.objects.get_or_create(**SOURCE_SCHEDULE)
    settings.PORTAL_URL = live_server.url
    cache.clear()
    return live_server


def open_form(chromium, live_server, locale, width):
    context = chromium.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/ill/request/")
    return page


def inside_the_window(page, locator):
    """The element is within the window's width (the site's menu is another matter)."""
    box = locator.bounding_box()
    return box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


@pytest.mark.parametrize("locale, width", [("en-US", 1280), ("en-US", 320), ("ko-KR", 1280), ("ko-KR", 320)])
def test_the_preview_shows_the_most_pages_allowed_and_a_copy_over_the_limit(
    chromium, portal, tmp_path, locale, width
):
    page = open_form(chromium, portal, locale, width)
    english = locale.startswith("en")
    page.locator("#id_delivery_0").check()  # by post
    preview = page.locator("#fee-preview")

    page.locator("#id_total_pages").fill("300")
    page.locator("#id_pages_wanted").fill("pp. 1-120")

    if english:
        expect(preview).to_have_text(
            "Over the copyright limit: a copy must be less than one third of the item, at most 99 of its 300 "
            "pages, and you asked for 120. Ask for fewer pages."
        )
    else:
        expect(preview).to_contain_text("최대 99쪽")
        expect(preview).to_contain_text("120쪽")
    expect(page.locator("#fee-preview-box")).to_have_class(re.compile("fee-preview-over"))
    expect(preview).not_to_contain_text("USD 52")
    page.locator("#fee-preview-box").screenshot(path=tmp_path / f"preview-over-{locale}-{width}.png")
    page.screenshot(path=tmp_path / f"form-over-{locale}-{width}.png", full_page=True)
    assert inside_the_window(page, page.locator("#fee-preview-box"))
    assert inside_the_window(page, page.locator("#id_total_pages"))

    page.locator("#id_pages_wanted").fill("41–80")

    if english:
        expect(preview).to_have_text(
            "40 pages: copying USD 17.00 + shipping USD 3.00 = USD 20.00 "
            "Copyright: at most 99 of the item’s 300 pages may be copied."
        )
    else:
        expect(preview).to_contain_text("USD 20.00")
        expect(preview).to_contain_text("최대 99쪽")
    expect(page.locator("#fee-preview-box")).not_to_have_class(re.compile("fee-preview-over"))


def test_a_chapter_has_its_own_title_and_author_for_a_book_only(page, portal):
    page.goto("/ill/request/")

    page.get_by_label("Monograph (book)").check()
    expect(page.get_by_label("Title of the chapter or part")).to_be_visible()
    expect(page.get_by_label("Author of the chapter or part")).to_be_visible()
    page.get_by_label("Serial article").check()
    expect(page.get_by_label("Title of the chapter or part")).to_be_hidden()
    expect(page.get_by_label("Title of the article")).to_be_visible()


def test_over_the_submission_limit_the_form_comes_back_filled_in_with_the_contact(
    chromium, portal, settings, tmp_path
):
    settings.ILL_SUBMIT_RATE = "0/h"
    page = open_form(chromium, portal, "en-US", 1280)
    search = page.get_by_label("Find your library by name, other spelling or country")
    search.press_sequentially("Butan")
    page.get_by_role("button", name=re.compile("National Library of Bhutan")).click()
    page.get_by_label("Contact person").fill("Karma Wangmo")
    page.get_by_label("Email").fill("ill@library.example.bt")
    page.get_by_label("Postal address for delivery").fill("Kawajangsa\nThimphu 11001\nBhutan")
    page.get_by_label("Monograph (book)").check()
    page.get_by_label("Title of the book").fill("한국 근대 문학사")
    page.get_by_label("Title of the chapter or part").fill("식민지 시대의 시")
    page.locator("#id_pages_wanted").fill("p. 12")
    page.get_by_label("The material was published or issued in Korea.").check()
    page.get_by_label("The material is not available elsewhere.").check()
    page.get_by_role("button", name="Review the request").click()
    expect(page.locator(".part-title")).to_have_text("식민지 시대의 시")
    page.get_by_role("button", name="Submit the request").click()

    alert = page.locator("#submission-limit")
    expect(alert).to_be_focused()
    expect(alert).to_contain_text("Your request has not been sent yet")
    expect(alert).to_contain_text("201 Banpo-daero, Seocho-gu, Seoul 06579, Republic of Korea")
    # The telephone is written as the footer writes it, and the notice says when to send the form again.
    expect(alert.get_by_role("link", name="(02)590-0586")).to_have_attribute("href", "tel:+82-2-590-0586")
    expect(alert).to_contain_text(re.compile(r"You can send it again in about \d+ minutes?\."))
    expect(page.get_by_label("Title of the book")).to_have_value("한국 근대 문학사")
    expect(page.get_by_label("Title of the chapter or part")).to_have_value("식민지 시대의 시")
    expect(page.get_by_label("Contact person")).to_have_value("Karma Wangmo")
    page.screenshot(path=tmp_path / "submission-limit-en-1280.png")
    assert not IllRequest.objects.exists()
