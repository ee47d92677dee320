"""A user in Korea registers only by agreeing to the privacy notice, and the account keeps which notice and when."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from partners.models import LibraryUser

from .registration import register

pytestmark = pytest.mark.django_db
EMAIL = "jiwoo.han@example.kr"


def test_registration_without_the_box_ticked_is_refused_and_says_why(client):
    response = register(client, EMAIL, form="accounts:register_korea", privacy_consent_missing=True)

    html = response.content.decode()
    assert "개인정보 수집·이용에 동의하려면 확인란을 선택하십시오" in html
    assert 'href="#id_privacy_consent"' in html  # the error summary leads to the box
    assert not get_user_model().objects.filter(email=EMAIL).exists()


def test_registration_keeps_the_version_agreed_to_and_when(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "2027-03-01"
    before = timezone.now()

    register(client, EMAIL, form="accounts:register_korea")

    profile = LibraryUser.objects.get(user__email=EMAIL)
    assert profile.privacy_notice_version == "2027-03-01"
    assert before <= profile.privacy_consent_at <= timezone.now() + timedelta(seconds=1)


def test_a_partner_librarian_registers_without_a_consent_box(client):
    register(client, "marie@bnf.example.org", privacy_consent_missing=True)

    assert get_user_model().objects.filter(email="marie@bnf.example.org").exists()
