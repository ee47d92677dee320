"""The private tracking page: the request, its history and invoices in the reader's language, in no cache."""

import pytest
from django.urls import reverse

from ill.models import Invoice
from tests.ill.supply import supply_copy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def copied(source_fee_schedule):
    return supply_copy(pages_copied=23)


def test_the_page_names_each_status_service_and_invoice_state_in_korean(client, copied):
    response = client.get(reverse("ill:track", args=[copied.tracking_token]), HTTP_ACCEPT_LANGUAGE="ko")
    html = response.content.decode()

    for label in ["신청 접수", "복사 또는 발송 준비 중", "복사본 발송", "단행본(도서)", "복사(원문 제공)", "우편"]:
        assert label in html
    invoice = Invoice.objects.get(request=copied)
    assert invoice.number in html


def test_the_page_is_read_in_three_queries_and_never_stored_by_a_cache(
    client, copied, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("ill:track", args=[copied.tracking_token]))

    assert response.status_code == 200
    assert "Copy sent" in response.content.decode()
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store", "no-cache"} <= cache_control
    assert response["X-Robots-Tag"] == "noindex"
