import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_cooperation_page_in_english_and_korean(page, reference_data):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto("/cooperation/")
    expect(page.get_by_role("heading", name="International Cooperation", level=1)).to_be_visible()

    page.get_by_role("link", name="Cultural Partnership Program").click()
    expect(page).to_have_url(re.compile(r"#cultural-partnership$"))
    partnership = page.locator("table.cultural-partnership")
    expect(partnership.locator("caption")).to_contain_text("51 persons from 23 countries, 2006–2018")
    expect(page.locator(".partnership-undated")).to_contain_text("2 more rows without a year (8 persons)")
    expect(partnership.locator("tbody tr")).to_have_count(15)
    expect(partnership.locator("tbody tr").last.locator("th")).to_have_text("Year not stated")

    sites = page.locator("table.window-on-korea-sites tbody tr")
    expect(sites).to_have_count(24)
    expect(sites.nth(23)).to_contain_text("Independent University, Bangladesh")
    expect(page.locator(".ended-sites li")).to_have_count(8)

    ill = page.locator("#international-ill")
    expect(ill).to_contain_text("Cheques are not accepted")
    expect(ill.locator(".ill-contact")).to_contain_text("(02)590-0586")

    page.get_by_role("button", name="한국어").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("heading", name="국제협력", level=1)).to_be_visible()
    expect(page.locator("table.cultural-partnership caption")).to_contain_text("23개국 51명")
    expect(page.locator("table.cultural-partnership tbody tr").last.locator("th")).to_have_text("연도 미기재")
    expect(page.locator("#international-ill")).to_contain_text("수표는 받지 않습니다")

    assert problems == []
