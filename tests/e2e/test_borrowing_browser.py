"""A user in Korea borrows an article from abroad, from registration to the refund statement, in a real browser."""

import importlib
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from playwright.sync_api import expect

from ill.models import CopyPolicy, FeeSchedule, IllRequest, RefundPayout
from nlk_portal.core import calendar
from nlk_portal.core.roles import ILL_STAFF
from tests.factories import InstitutionFactory, UserFactory
from tests.ill.pdf_reading import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE
STAFF_GROUPS = importlib.import_module("ill.migrations.0004_staff_groups")
BORROWING = importlib.import_module("ill.migrations.0009_borrowing")
PASSWORD = "correct horse battery staple"


@pytest.fixture
def library(live_server, settings, tmp_path):
    """The portal as staff have set it up: two libraries abroad, and France's rule that forbids copying."""
    FeeSchedule.objects.get_or_create(**SOURCE_SCHEDULE)
    settings.PORTAL_URL = live_server.url
    STAFF_GROUPS.give_staff_groups_their_permissions(Group.objects, Permission.objects)
    BORROWING.give_groups_borrowing_permissions(Group.objects, Permission.objects)
    kim = UserFactory(username="kim", first_name="Min-ji", last_name="Kim", is_staff=True, email="kim@nl.go.kr")
    kim.groups.add(Group.objects.get(name=ILL_STAFF))
    CopyPolicy.objects.create(country="FR", copying_permitted=False, note_en="No copies under French law.",
                              note_ko="프랑스 법률상 복사할 수 없습니다.")
    return {
        "berlin": InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE"),
        "paris": InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR"),
    }


def test_a_user_in_korea_requests_prepays_and_receives_the_refund_statement(chromium, live_server, library,
                                                                            tmp_path):
    user = chromium.new_context(base_url=live_server.url, locale="ko-KR")
    user.set_default_timeout(15_000)
    page = user.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)

    # Registration, in Korean, and the emailed link.
    page.goto("/accounts/register/korea/")
    page.get_by_label("이름").fill("한지우")
    page.get_by_label("이메일").fill("jiwoo.han@example.kr")
    page.get_by_label("전화번호").fill("010-1234-5678")
    page.get_by_label("우편 주소").fill("서울특별시 서초구 반포대로 201")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("비밀번호 확인").fill(PASSWORD)
    page.get_by_label("개인정보를 수집·이용하는 데 동의합니다").check()
    page.get_by_role("button", name="가입").click()
    expect(page.get_by_role("status")).to_contain_text("jiwoo.han@example.kr")
    link = re.search(r"https?://\S+/accounts/confirm/\S+/", mail.outbox[-1].body)[0]
    page.goto(link)
    page.get_by_label("이메일").fill("jiwoo.han@example.kr")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_role("heading", name="나의 해외 자료 신청")).to_be_visible()

    # The form: copying is not offered for a library in France, and says why.
    page.get_by_role("link", name="새 신청").click()
    expect(page.get_by_text("처리 기간: 1~2개월.").first).to_be_visible()
    page.get_by_label("희망 제공 기관").select_option(str(library["paris"].pk))
    expect(page.get_by_label("복사(원문 제공)")).to_be_disabled()
    expect(page.locator("#copy-not-offered")).to_be_visible()
    page.get_by_label("희망 제공 기관").select_option(str(library["berlin"].pk))
    expect(page.get_by_label("복사(원문 제공)")).to_be_enabled()

    page.get_by_label("연속간행물 기사").check()
    page.get_by_label("기사명").fill("Koreanische Literatur im Exil")
    page.get_by_label("연속간행물명").fill("Zeitschrift für Koreanistik")
    page.get_by_label("복사(원문 제공)").check()
    page.get_by_label("필요한 쪽").fill("45-60")
    page.get_by_label("납부 상한액(원)").fill("50000")
    page.get_by_label("이 자료는 국내에서 구할 수 없습니다.").check()
    page.get_by_label("비용은 신청할 때 미리 납부하고").check()
    page.get_by_label("해외 도서관에 제공되는 데 동의합니다").check()
    page.get_by_role("button", name="신청하기").click()

    expect(page.locator(".current-status")).to_have_text("신청 접수")
    ill_request = IllRequest.objects.get()
    assert ill_request.direction == "borrows" and ill_request.language == "ko"

    # Staff record each step in the admin.
    staff = chromium.new_context(base_url=live_server.url, locale="en-US")
    staff.set_default_timeout(15_000)
    desk = staff.new_page()
    desk.goto("/admin/login/")
    desk.get_by_label("Username").fill("kim")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    desk.goto(f"/admin/ill/illrequest/{ill_request.pk}/change/")
    today = calendar.library_today().isoformat()

    def step(name, fields=(), checks=()):
        desk.get_by_role("link", name=name, exact=True).click()
        for label in checks:
            desk.get_by_label(label).check()
        for label, value in fields:
            desk.get_by_label(label, exact=True).fill(value)
        desk.get_by_role("button", name=name, exact=True).click()
        expect(desk.locator(".messagelist")).to_contain_text("recorded for")

    step("Record the prepayment", [("Amount paid in advance:", "60000"), ("Currency:", "KRW"),
                                   ("Paid on:", today), ("Receipt number:", "2026-0042")])
    step("Sent to the lending institution")
    step("Record the lender's answer", [("Answered on:", today), ("Currency of the fees:", "KRW"),
                                        ("Copying fee:", "20000"), ("International shipping:", "15000")],
         checks=["Available: it will supply the material"])
    step("Material arrived", [("Arrived on:", today)])
    step("Delivered to the user", [("Handed to the user on:", today)])
    step("Settle and send the statement", [("Bank fees:", "3000")])
    expect(desk.locator(".ill-settlement")).to_contain_text("KRW 22,000")
    desk.screenshot(path=str(tmp_path / "admin-borrowing.png"), full_page=True)
    step("Record the refund as paid", [("Refund paid on:", today)])
    assert RefundPayout.objects.get().amount == 22000

    # The user sees the settlement and downloads the statement.
    page.reload()
    expect(page.locator(".current-status")).to_have_text("복사본 전달 완료")
    expect(page.locator(".settlement .refund")).to_have_text("KRW 22,000")
    page.screenshot(path=str(tmp_path / "user-request.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="정산서(PDF)").click()
    path = Path(tmp_path) / download.value.suggested_filename
    download.value.save_as(path)
    text = pdf_text(path.read_bytes())
    for figure in ["KRW 60,000", "KRW 20,000", "KRW 15,000", "KRW 3,000", "KRW 22,000"]:
        assert figure in text
    assert "정산서" in text
    assert [m for m in mail.outbox if m.attachments and ill_request.reference in m.subject]
    assert blocked == []
    user.close()
    staff.close()
