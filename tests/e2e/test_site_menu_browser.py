"""The site's menu and language switch fit the window for every role, language and width."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import ROLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [320, 375, 768, 992, 1024, 1280, 1440]
LANGUAGE_BUTTONS = {"en": "English", "ko": "한국어"}
MENU = {
    "en": ["Partner directory", "International Cooperation", "Interlibrary loan", "Material from abroad"],
    "ko": ["협력 기관 목록", "국제협력", "상호대차", "해외 자료 신청"],
}
REPORTS = {"en": "Manager reports", "ko": "관리자 보고서"}


def inside_window(locator, width):
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def overlap(one, other):
    a, b = one.bounding_box(), other.bounding_box()
    return not (
        a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("role", ROLES)
def test_the_menu_and_the_language_switch_fit_every_width(open_as, people, role, language):
    page = open_as(people[role], language)
    menu = page.get_by_role("navigation", name="Main navigation" if language == "en" else "주 메뉴")
    items = MENU[language] + ([REPORTS[language]] if role == "staff" else [])
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/")

        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{role}, {language}, {width}px: the page is {overflow}px wide"
        for name in LANGUAGE_BUTTONS.values():
            button = page.get_by_role("button", name=name, exact=True)
            expect(button).to_be_visible()
            assert inside_window(button, width), f"{role}, {language}, {width}px: {name} is off screen"

        toggle = menu.get_by_role("button")
        if toggle.is_visible():
            toggle.click()
            expect(toggle).to_have_attribute("aria-expanded", "true")
            expect(page.locator("#main-nav")).to_have_class(re.compile(r"^(?!.*collapsing).*\bshow\b"))
        # The site name wraps, but is never squeezed into a narrow column beside the menu.
        brand = page.locator(".brand-text")
        assert brand.bounding_box()["height"] <= 140, f"{role}, {language}, {width}px: the site name is squeezed"
        for name in items:
            link = menu.get_by_role("link", name=name, exact=True)
            expect(link).to_be_visible()
            assert inside_window(link, width), f"{role}, {language}, {width}px: {name} is off screen"
            assert not overlap(link, brand), f"{role}, {language}, {width}px: {name} runs into the site name"
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_each_role_finds_its_own_way_in_above_the_menu(open_as, people):
    expected = {
        "visitor": "Log in",
        "partner librarian": "Your library's requests",
        "user in Korea": "Your requests",
    }
    for role, name in expected.items():
        page = open_as(people[role])
        page.goto("/")
        expect(page.locator(".site-tools").get_by_role("link", name=name, exact=True)).to_be_visible()

    staff = open_as(people["staff"])
    staff.goto("/")
    expect(staff.locator(".site-tools").get_by_role("link")).to_have_count(0)
    expect(staff.get_by_role("link", name="Your library's requests")).to_have_count(0)
