"""Exchange words that the ILL pages use in another sense keep their own Korean on the exchange pages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def korean(client):
    client.cookies["django_language"] = "ko"
    return client


def test_the_report_period_runs_from_a_start_date_to_an_end_date(korean, manager):
    korean.force_login(manager)

    html = korean.get(reverse("reports:ill")).content.decode()
    start = html[html.index('for="id_start"') :][:80]
    end = html[html.index('for="id_end"') :][:80]

    assert "시작일" in start and "종료일" in end
    assert "이전" not in start + end and "이후" not in start + end


def test_a_shipment_is_sent_or_received_and_a_deposit_received(korean, exchange_clerk, exchange_year):
    korean.force_login(exchange_clerk)

    shipments = korean.get(reverse("admin:exchange_shipment_changelist")).content.decode()
    rows = shipments[shipments.index('id="result_list"') :]
    rows = rows[: rows.index("</table>")]
    deposits = korean.get(reverse("admin:exchange_depositreceipt_changelist")).content.decode()

    assert '<td class="field-direction">발송</td>' in rows and '<td class="field-direction">수령</td>' in rows
    assert "발송됨" not in rows and "접수일" not in rows
    assert ">구분<" in shipments and ">방향<" not in shipments
    assert ">수령일<" in deposits.replace("\n", "") and "수납일" not in deposits
