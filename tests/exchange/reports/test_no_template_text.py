"""The report pages show the reports and nothing of their templates, in English and in Korean."""

import re

import pytest
from django.urls import reverse

TEMPLATE_MARKS = ("{#", "#}", "{%", "%}")


def page_body(response):
    html = response.content.decode()
    return re.search(r"<body.*?</body>", html, re.DOTALL).group(0)


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("page", ["reports:ill", "reports:exchange"])
def test_no_template_syntax_or_comment_reaches_a_report_page(client, manager, ill_money, exchange_year, page,
                                                             language):
    client.force_login(manager)
    client.cookies["django_language"] = language

    response = client.get(reverse(page), {"year": 2025})

    assert response.status_code == 200
    body = page_body(response)
    assert body.count('class="report-section') >= 5
    for mark in TEMPLATE_MARKS:
        assert mark not in body, body[max(0, body.find(mark) - 200) : body.find(mark) + 200]
