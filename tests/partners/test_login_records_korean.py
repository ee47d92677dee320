"""The login records django-axes keeps read in Korean in the admin, like the rest of it."""

import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db
ENGLISH = re.compile(r"\baxes\b|access (attempt|failure|log)|Attempt Time|IP Address|User Agent|Failed Logins", re.I)


def visible_text(html):
    """The page's text without its tags, scripts and styles, where English words could hide in class names."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def korean_staff(client, kim):
    client.force_login(kim)
    client.cookies["django_language"] = "ko"
    return client


def test_the_admin_index_names_the_login_records_in_korean(korean_staff):
    text = visible_text(korean_staff.get(reverse("admin:index")).content.decode())

    assert "로그인 기록" in text and "접속 시도" in text and "접속 실패" in text and "접속 기록" in text
    assert not ENGLISH.findall(text)


def test_the_list_of_access_attempts_reads_in_korean(korean_staff):
    AccessAttempt.objects.create(
        username="ill@ku.dk", ip_address="198.51.100.7", user_agent="Mozilla/5.0", http_accept="text/html",
        path_info="/accounts/login/", get_data="", post_data="", failures_since_start=3,
    )

    text = visible_text(korean_staff.get(reverse("admin:axes_accessattempt_changelist")).content.decode())

    assert "볼 접속 시도 선택" in text
    assert "시도 시각" in text and "IP 주소" in text
    assert not ENGLISH.findall(text)
