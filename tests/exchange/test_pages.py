"""The public International Cooperation page, generated from the records."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from exchange.models import PartnershipCohort, PublishedFigure, WindowOnKoreaSite
from ill.models import FeeSchedule

pytestmark = pytest.mark.django_db


def page(client, language="en"):
    if language != "en":
        client.post(reverse("set_language"), {"language": language})
    response = client.get(reverse("exchange:cooperation"))
    assert response.status_code == 200
    return response.content.decode()


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def table_rows(html, css_class):
    table = re.search(rf'<table class="[^"]*{css_class}[^"]*">(.*?)</table>', html, re.DOTALL).group(1)
    return re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.DOTALL)


def test_a_visitor_reads_the_cultural_partnership_table_by_year(client, reference_data):
    html = page(client)

    rows = table_rows(html, "cultural-partnership")
    assert len(rows) == 15
    assert "2006" in rows[0] and "National Library of Laos (Laos)" in rows[0]
    assert rows[9].count("(") == 3  # 2015: three librarians
    assert ["Year not stated" in row for row in rows[-2:]] == [True, True]
    assert "51 persons from 23 countries" in html
    assert "59 persons" not in html
    assert "for 14 weeks" in html and "Since 2006" in html


def test_a_visitor_reads_the_window_on_korea_table_and_the_sites_that_ended(client, reference_data):
    html = page(client)

    rows = table_rows(html, "window-on-korea-sites")
    assert len(rows) == 24
    assert "Bodleian Libraries, University of Oxford" in rows[11] and "2012" in rows[11]
    assert "Not stated" in rows[20]
    ended = re.search(r'<ul class="ended-sites">(.*?)</ul>', html, re.DOTALL).group(1)
    assert ended.count("<li>") == 8
    assert "National Library of Iran (Iran, 2020)" in ended
    assert "1,500–2,000 volumes" in html and "a total of 1,000" in html


def test_the_activities_come_from_the_records(client, reference_data):
    html = page(client)

    assert "Business exchange with major national libraries since 1997" in html
    assert "biennially since 2007" in html
    assert "in 2008 and 2010" in html
    assert "including co-hosted special exhibitions" in html
    assert "Library of Congress, since 1966, bilateral" in html
    assert ">FAO</abbr>" in html and ">IMO</abbr>" in html
    assert "257 libraries from 91 countries" in html
    assert "Since 1995" in html and "63 libraries from 21 countries" in html
    assert html.count("(as published on the library&#x27;s page)") == 2


def test_records_staff_change_show_on_the_page(client, reference_data):
    PublishedFigure.objects.filter(key="exchange_partners").update(
        count=262, countries=92, source="staff_count", as_of=date(2025, 12, 31)
    )
    PartnershipCohort.objects.create(position=16, year=2019)
    WindowOnKoreaSite.objects.filter(number=21).update(established_year=2019)

    html = page(client)

    assert "257 libraries" not in html
    assert "262 libraries from 92 countries" in html
    assert "(counted by staff, as of Dec. 31, 2025)" in html
    assert len(table_rows(html, "cultural-partnership")) == 16
    assert "Not stated" not in table_rows(html, "window-on-korea-sites")[20]


def test_the_international_ill_section_gives_the_terms_and_whom_to_contact(client, reference_data):
    html = page(client)
    ill = html.split('id="international-ill"')[1]

    assert "One month." in ill
    assert "One to two months." in ill
    assert "In cash, in US dollars only. Cheques are not accepted." in ill
    assert "Collection Management &amp; Service Division" in ill
    assert "(02)590-0586" in ill


def test_the_ill_section_quotes_the_fee_schedule_in_force(client, reference_data):
    fees = text(page(client).split('class="ill-fee-schedule"')[1].split("</dd>")[0])

    assert "USD 5.00 for 10 pages or less" in fees
    assert "USD 4.00 for each additional 10 pages" in fees
    assert "USD 3.00 basic charge" in fees


def test_a_new_fee_schedule_shows_on_the_page_from_the_day_it_takes_effect(client, reference_data):
    FeeSchedule.objects.create(
        effective_from=timezone.localdate(),
        copying_base_fee=Decimal("6.00"),
        copying_base_pages=10,
        copying_step_fee=Decimal("4.50"),
        copying_step_pages=10,
        shipping_fee=Decimal("3.50"),
    )

    fees = text(page(client).split('class="ill-fee-schedule"')[1].split("</dd>")[0])

    assert "USD 6.00 for 10 pages or less" in fees
    assert "USD 3.50 basic charge" in fees
    assert "USD 5.00" not in fees


def test_the_page_reads_in_korean(client, reference_data):
    html = page(client, "ko")

    assert '<html lang="ko">' in html
    assert "국제협력" in html
    assert "문화동반자사업" in html
    assert "23개국 51명" in html
    assert "91개국 257개 기관 (도서관 누리집 게시 기준)" in text(html)
    assert "연도 미기재" in html
    assert "2008 및 2010년" in html
    assert "1966년부터 미국 의회도서관과 모든 정부간행물을 상호 교환하고 있습니다." in html
    assert "1~2개월." in html


def test_the_page_keeps_to_the_content_security_policy(client, reference_data):
    html = page(client)

    assert "style=" not in html
    assert all('src="' in tag for tag in re.findall(r"<script[^>]*>", html))


def test_the_acronyms_of_the_depositing_organizations_are_expanded_in_the_reader_s_language(client, reference_data):
    english = page(client)
    korean = page(client, "ko")

    assert '<abbr title="Food and Agriculture Organization of the United Nations">FAO</abbr>' in english
    assert '<abbr title="국제연합식량농업기구">FAO</abbr>' in korean
    titles = re.findall(r'<abbr title="([^"]*)">', korean)
    assert len(titles) == 18
    assert [title for title in titles if not re.search("[가-힣]", title)] == []


def test_the_cultural_partnership_figure_is_the_library_s_with_the_undated_rows_apart(client, reference_data):
    html = page(client)
    korean = page(client, "ko")
    table = html.split('class="table table-sm align-top cultural-partnership"')[1]
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, re.DOTALL).group(1)

    assert text(caption).strip() == "Cultural Partnership Program (51 persons from 23 countries, 2006–2018)"
    assert (
        "The library’s page lists 2 more rows without a year (8 persons). They are shown last in the table, "
        "marked “Year not stated”, and are not counted in the figure above."
    ) in text(html)
    assert "23개국 51명" in korean
    assert "연도가 적히지 않은 행이 2개 더 있습니다(8명)" in text(korean)


def test_users_in_korea_are_sent_to_the_online_borrowing_form(client, reference_data):
    domestic = page(client).split('class="ill-domestic"')[1].split("</dl>")[0]

    assert f'<a href="{reverse("ill:borrow")}">' in domestic
    assert f'<a href="{reverse("accounts:register_korea")}">' in domestic
    assert "by email" not in domestic


def test_the_next_business_meeting_is_labelled_as_an_estimate(client, reference_data):
    english = text(page(client))
    korean = text(page(client, "ko"))

    assert re.search(r"next meeting expected in \d{4} \(an estimate from the cadence, not a date the library has "
                     r"given\)", english)
    assert "교류 주기에 따른 추정이며 도서관이 밝힌 일정이 아님" in korean
    assert "다음 교류 예정" not in korean


def test_the_seeded_fee_schedule_shows_no_date_in_force_the_library_did_not_give(client, reference_data):
    cooperation = page(client)
    service = client.get(reverse("ill:service")).content.decode()

    for html in (cooperation, service):
        assert "USD 5.00 for 10 pages or less" in text(html)
        assert "in force from" not in html
        assert "2026-01-01" not in html
