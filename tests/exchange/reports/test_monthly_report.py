"""On the 1st, managers receive last month's reports as PDF, once."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.core import mail

from exchange.models import MonthlyReport
from exchange.services import monthly_report as monthly
from exchange.tasks import send_monthly_report
from tests.ill.pdf_reading import pdf_text


def test_managers_receive_last_months_reports_as_pdf(manager, ill_clerk, ill_year, settings):
    settings.MONTHLY_REPORT_LANGUAGE = "en"

    monthly.send_monthly_report(today=date(2025, 4, 1))

    (message,) = mail.outbox
    assert message.to == ["choi@nl.go.kr"]
    assert message.subject == "Monthly reports for 2025-03"
    names = [name for name, _content, _type in message.attachments]
    assert names == [
        "nlk-exchange-report_2025-03-01_2025-03-31.pdf",
        "nlk-ill-report_2025-03-01_2025-03-31.pdf",
    ]
    ill_pdf = pdf_text(message.attachments[1][1])
    assert "Period 2025-03-01 – 2025-03-31" in ill_pdf
    # March 2025: two French requests, supplied in 2 and 4 days: median 3, 90th percentile 2 + 0.9 × 2 = 3.8.
    assert re.search(r"NLK supplies an\s+overseas library\s+2 3\.0 3\.8", ill_pdf)


def test_the_report_goes_out_once_however_often_the_task_runs(manager, settings):
    settings.MONTHLY_REPORT_LANGUAGE = "en"

    monthly.send_monthly_report(today=date(2025, 4, 1))
    monthly.send_monthly_report(today=date(2025, 4, 1))
    monthly.send_monthly_report(today=date(2025, 4, 30))

    assert len(mail.outbox) == 1
    report = MonthlyReport.objects.get()
    assert report.month == date(2025, 3, 1) and report.recipients == "choi@nl.go.kr"


def test_january_reports_on_december(manager):
    monthly.send_monthly_report(today=date(2026, 1, 1))

    assert MonthlyReport.objects.get().month == date(2025, 12, 1)


def test_the_report_is_in_korean_by_default(manager):
    monthly.send_monthly_report(today=date(2025, 4, 1))

    (message,) = mail.outbox
    assert message.subject == "2025-03 월간 보고서"
    assert "교류 보고서" in pdf_text(message.attachments[0][1])


def test_beat_sends_it_on_the_first_of_each_month(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["exchange-monthly-report"]
    assert entry["task"] == "exchange.tasks.send_monthly_report"
    assert entry["schedule"].day_of_month == {1}
    assert settings.CELERY_TIMEZONE == "Asia/Seoul"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_run_twice_sends_one_email(celery_worker, manager):
    send_monthly_report.delay()
    send_monthly_report.delay()

    log = Path(celery_worker.log_path)
    from tests.ill.worker_helpers import wait_for

    wait_for(lambda: log.read_text().count("succeeded") >= 2, what="both runs of the task")
    messages = celery_worker.sent_emails()
    assert len(messages) == 1
    assert messages[0]["To"] == "choi@nl.go.kr"
    attachments = [part.get_filename() for part in messages[0].iter_attachments()]
    assert len(attachments) == 2 and all(name.endswith(".pdf") for name in attachments)
    assert MonthlyReport.objects.get().sent_at is not None
