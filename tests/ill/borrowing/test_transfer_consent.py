"""A borrowing's details go abroad only with the user's own consent, kept with the notice's version and time."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ill.models import Borrowing, IllRequest

from .test_copy_rule import form_data

pytestmark = pytest.mark.django_db


def test_a_borrowing_without_consent_to_the_transfer_abroad_is_refused_and_says_why(
    client, jiwoo, lender, source_fee_schedule
):
    client.force_login(jiwoo)
    data = form_data(lender)
    del data["transfer_consent"]

    response = client.post(reverse("ill:borrow"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "해외 도서관 제공에 동의하려면 확인란을 선택하십시오" in html
    assert 'href="#id_transfer_consent"' in html
    assert not IllRequest.objects.exists()


def test_a_borrowing_keeps_the_version_agreed_to_and_when(client, settings, jiwoo, lender, source_fee_schedule):
    settings.PRIVACY_NOTICE_VERSION = "2027-03-01"
    client.force_login(jiwoo)
    before = timezone.now()

    client.post(reverse("ill:borrow"), form_data(lender))

    borrowing = Borrowing.objects.get()
    assert borrowing.transfer_consent_version == "2027-03-01"
    assert before <= borrowing.transfer_consent_at <= timezone.now() + timedelta(seconds=1)
