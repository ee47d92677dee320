"""Staff working in Korean: buttons read as actions, statuses as states, and the two deadlines apart."""

from datetime import timedelta

import pytest
from django.urls import reverse

from ill.services.workflow import do_transition
from ill.status import Status
from nlk_portal.core.calendar import library_today

pytestmark = pytest.mark.django_db

LIST = reverse("admin:ill_illrequest_changelist")


@pytest.fixture
def korean_client(kim_client):
    kim_client.cookies["django_language"] = "ko"
    return kim_client


def page(client, ill_request):
    return client.get(reverse("admin:ill_illrequest_change", args=[ill_request.pk])).content.decode()


def buttons(html):
    return html[html.index('class="ill-workflow"') : html.index("</section>")]


def test_the_buttons_say_what_they_do_and_the_status_what_the_request_is(korean_client, loan_request):
    do_transition(loan_request, Status.WILL_SUPPLY)
    assert ">대출 처리</button>" in buttons(page(korean_client, loan_request))

    due = (library_today() + timedelta(days=10)).isoformat()
    korean_client.post(
        reverse("admin:ill_illrequest_staff_action", args=[loan_request.pk, "loaned"]),
        {f"version_{loan_request.pk}": 2, "confirm": "1", f"loan_due_date_{loan_request.pk}": due},
    )
    html = page(korean_client, loan_request)

    offered = buttons(html)
    for action in ["반납 처리", "연체 처리", "미반납 종결 처리"]:
        assert f">{action}</button>" in offered
    assert ">대출 중</button>" not in offered
    assert "대출 중" in html.replace(offered, "")


def test_the_history_page_says_from_which_status_to_which(korean_client, copy_request):
    do_transition(copy_request, Status.EXPECT_TO_SUPPLY)

    html = korean_client.get(reverse("admin:ill_illrequest_history", args=[copy_request.pk])).content.decode()
    table = html[html.index('id="change-history"') :]
    head = table[: table.index("</thead>")]
    first = table[table.index('class="ill-history-1"') :]
    first = first[: first.index("</tr>")]

    for heading in ["일시", "변경 전", "변경 후"]:
        assert f'<th scope="col">{heading}</th>' in head
    assert "이전" not in head and "이후" not in head
    # The request arriving is an event (접수), not the date label of the request's page (접수일).
    assert "<td>접수</td>" in first and "<td>신청 접수</td>" in first


def test_the_processing_deadline_and_a_late_loan_read_differently(korean_client):
    html = korean_client.get(LIST).content.decode()
    sidebar = html[html.index('id="changelist-filter"') :]

    assert ">처리 기한 지남</a>" in sidebar.replace("\n", "")
    assert ">연체</a>" in sidebar.replace("\n", "")
    assert "반납 기한 지남" not in sidebar
