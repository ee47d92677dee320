"""Personal data kept only as long as needed: after PERSONAL_DATA_RETENTION_DAYS from a request's final
status, none of it is left anywhere in the database; what the reports and the pages count stays."""

import io
import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ill.models import (
    IllRequest,
    InternalNote,
    Invoice,
    Iso18626Message,
    Iso18626Transaction,
    PersonalDataPurge,
    SentEmail,
    StatusChange,
)
from ill.rules.history_words import Words, phrase
from ill.services import retention, submission
from ill.services.workflow import do_transition
from ill.status import Status
from nlk_portal.outbox.models import OutboxEntry
from partners.models import Iso18626Peer, LibraryUser
from tests.factories import PASSWORD, InstitutionFactory, UserFactory, submit_ill_request
from tests.ill.borrowing.steps import borrowing_details

NAME = "Purgeable-Name-7f3a"
EMAIL = "purge-7f3a@example.org"
PHONE = "+82-2-0000-7f3a"
STREET = "7f3a Purge Street"
PATRON = "Patron-Ref-7f3a"
BORROWER = "Borrower-Name-7f3a"
BORROWER_EMAIL = "borrower-7f3a@example.kr"
PERSONAL = [NAME, EMAIL, PHONE, STREET, PATRON, BORROWER, BORROWER_EMAIL]
KEPT_NAME = "Kept-Name-9b2c"
# Accounts are closed on their own (retention.remove_user_personal_data): the period's purge leaves them.
ACCOUNTS = ["auth.user", "partners.libraryuser", "partners.librarian"]
FUTURE = timezone.now() + timedelta(days=1096)


# Every table of every app; exchange.ReportPermission is a model without a table, which holds the reports' permissions.
NO_TABLE = ["exchange.reportpermission"]


def dump(*exclude):
    out = io.StringIO()
    call_command("dumpdata", *[f"--exclude={label}" for label in [*NO_TABLE, *exclude]], stdout=out)
    return out.getvalue()


def found(text):
    return [value for value in PERSONAL if value.casefold() in text.casefold()]


def login_attempt(username, at):
    attempt = AccessAttempt.objects.create(
        username=username, ip_address="192.0.2.7", user_agent=f"agent of {username}", http_accept="*/*",
        path_info="/accounts/login/", get_data="", post_data=f"username={username}", failures_since_start=1,
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=at)


@pytest.fixture
def personal_world(source_fee_schedule, kim, django_capture_on_commit_callbacks):
    """A supplied request and a borrowing, both closed, with personal data in every place it can be."""
    library = InstitutionFactory(name_en="Bibliothèque de Test", country="FR")
    with django_capture_on_commit_callbacks(execute=True):
        supplied = submit_ill_request(
            requesting_library=library, contact_name=NAME, email=EMAIL, postal_address=STREET,
            notes=f"Call me on {PHONE}",
        )
    with django_capture_on_commit_callbacks(execute=True):
        do_transition(supplied, Status.WILL_SUPPLY, by=kim, note=f"Spoke to {NAME}")
    with django_capture_on_commit_callbacks(execute=True):
        do_transition(supplied, Status.COPY_COMPLETED, by=kim, pages_copied=12, note=f"Posted to {STREET}")
    note = InternalNote.objects.create(request=supplied, author=kim, text=f"{NAME} phoned from {PHONE}")
    peer = Iso18626Peer.objects.create(
        institution=library, agency_id_value="FR-7", endpoint_url="https://peer.example.org/iso18626/"
    )
    Iso18626Transaction.objects.create(
        request=supplied, peer=peer, direction="supplies", requesting_agency_request_id="FR-7-1",
        patron_reference=PATRON,
    )
    for incoming, state in [(True, Iso18626Message.State.RECEIVED), (False, Iso18626Message.State.RETRYING)]:
        Iso18626Message.objects.create(
            request=supplied, peer=peer, incoming=incoming, message_type="request", timestamp=timezone.now(),
            body=f"<request><patronInfo><patronId>{PATRON}</patronId><givenName>{NAME}</givenName></patronInfo>"
            f"<address>{STREET}</address><phone>{PHONE}</phone></request>",
            confirmation=f"<requestConfirmation>{PATRON}</requestConfirmation>", body_digest="d" * 64,
            state=state, error=f"peer said: no such patron {PATRON}",
        )
    OutboxEntry.objects.create(
        task_name="ill.tasks.email_message_to_user", args=[note.pk, f"Dear {NAME}"],
        state=OutboxEntry.State.FAILED, error=f"550 mailbox {EMAIL} unavailable",
    )
    LogEntry.objects.create(
        user=kim, content_type=ContentType.objects.get_for_model(IllRequest), object_id=str(supplied.pk),
        object_repr=str(supplied), action_flag=CHANGE,
        change_message=json.dumps([{"added": {"name": "internal note", "object": f"{note.pk}: {NAME} phoned"}}]),
    )

    user = UserFactory(username=BORROWER_EMAIL, email=BORROWER_EMAIL, first_name=BORROWER, last_name="Han")
    user.set_password(PASSWORD)
    user.save()
    LibraryUser.objects.create(user=user, phone=PHONE, postal_address=STREET, email_confirmed_at=timezone.now())
    lender = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
    with django_capture_on_commit_callbacks(execute=True):
        borrowed = submission.submit_borrowing(
            borrowing_details(lender, postal_address=STREET, notes=f"Text {PHONE}"), user=user, language="ko"
        )
    with django_capture_on_commit_callbacks(execute=True):
        do_transition(borrowed, Status.CANCELLED, by=kim, note=f"{BORROWER} withdrew it")
    # A note the portal wrote keeps what it quotes in its values.
    words = phrase(Words.SENT_TO_USER, text=f"Dear {BORROWER}, the copy is on its way.")
    InternalNote.objects.create(request=borrowed, author=kim, text="", text_code=words.code, text_values=words.values)

    # Closed too, but well inside the period at FUTURE: it keeps everything.
    with django_capture_on_commit_callbacks(execute=True):
        kept = submit_ill_request(requesting_library=library, contact_name=KEPT_NAME, email="kept-9b2c@example.org")
        do_transition(kept, Status.CANCELLED, by=kim)
    StatusChange.objects.filter(request=kept).update(changed_at=FUTURE - timedelta(days=10))

    login_attempt(EMAIL, timezone.now())
    login_attempt("recent-9b2c@example.org", FUTURE - timedelta(days=1))
    return {"supplied": supplied, "borrowed": borrowed, "kept": kept, "user": user}


def kept_facts(ill_request):
    """What a purge keeps: the reference, library, country, dates, status history and money."""
    ill_request = IllRequest.objects.get(pk=ill_request.pk)
    return {
        "request": (ill_request.reference, ill_request.requesting_library_id, ill_request.status,
                    ill_request.received_at, ill_request.due_date, ill_request.copying_fee,
                    ill_request.shipping_fee, ill_request.currency, ill_request.title),
        "history": list(ill_request.history.values_list("from_status", "to_status", "changed_at", "reason")),
        "invoices": list(Invoice.objects.filter(request=ill_request).values_list("number", "total", "status")),
        "emails": list(SentEmail.objects.filter(request=ill_request).values_list("kind", "status", "sent_at")),
    }


def test_after_the_period_none_of_the_personal_data_is_left_in_the_database(personal_world):
    before = dump(*ACCOUNTS)
    assert set(found(before)) == set(PERSONAL)
    supplied, borrowed, kept = personal_world["supplied"], personal_world["borrowed"], personal_world["kept"]
    facts = {name: kept_facts(personal_world[name]) for name in ("supplied", "borrowed")}
    expected = {
        "status_notes": StatusChange.objects.filter(request__in=[supplied, borrowed]).exclude(note="").count(),
        "sent_emails": SentEmail.objects.filter(request__in=[supplied, borrowed]).count(),
    }

    record = retention.purge(now=FUTURE)

    after = dump(*ACCOUNTS)
    assert found(after) == []
    assert KEPT_NAME in after and "recent-9b2c@example.org" in after
    assert {name: kept_facts(personal_world[name]) for name in ("supplied", "borrowed")} == facts
    assert facts["supplied"]["invoices"] and len(facts["supplied"]["history"]) == 3
    assert retention.counts_of(record) == {
        "requests": 2, "borrowings": 1, "status_notes": expected["status_notes"], "internal_notes": 2,
        "iso18626_transactions": 1, "iso18626_messages": 2, "sent_emails": expected["sent_emails"],
        "outbox_entries": OutboxEntry.objects.filter(args=[]).count(), "admin_log_entries": 1, "login_records": 1,
    }
    # The tasks of the request still in its period keep their arguments.
    assert OutboxEntry.objects.get(task_name="ill.tasks.send_acknowledgement", args=[kept.pk])
    assert not record.dry_run
    purged = IllRequest.objects.get(pk=supplied.pk)
    assert purged.personal_data_removed_at == FUTURE
    assert IllRequest.objects.get(pk=kept.pk).personal_data_removed_at is None
    # A message never sent is not sent now, and the admin's log still reads.
    assert not Iso18626Message.objects.filter(request=supplied, incoming=False, state="retrying").exists()
    assert "internal note" in LogEntry.objects.get(object_id=str(supplied.pk)).get_change_message()

    once = dump("ill.personaldatapurge")
    again = retention.purge(now=FUTURE)
    assert set(retention.counts_of(again).values()) == {0}
    assert dump("ill.personaldatapurge") == once


def test_a_dry_run_prints_the_same_counts_and_changes_nothing(personal_world, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 0
    settings.LOGIN_RECORD_RETENTION_DAYS = 0
    before = dump("ill.personaldatapurge")

    dry = io.StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=dry)

    assert dump("ill.personaldatapurge") == before
    assert PersonalDataPurge.objects.get().dry_run
    real = io.StringIO()
    call_command("purge_personal_data", stdout=real)
    counts = [line for line in real.getvalue().splitlines() if ": " in line and not line.startswith("Requests")]
    assert "requests: 2" in counts
    assert [line for line in dry.getvalue().splitlines() if line in counts] == counts
    assert dump("ill.personaldatapurge") != before
    assert found(dump(*ACCOUNTS)) == []


def test_a_purged_request_still_shows_its_reference_library_dates_history_and_money(personal_world, client, kim):
    supplied = personal_world["supplied"]
    retention.purge(now=FUTURE)
    invoice = Invoice.objects.get(request=supplied)

    tracking = client.get(reverse("ill:track", args=[supplied.tracking_token])).content.decode()
    client.force_login(kim)
    staff = client.get(reverse("admin:ill_illrequest_change", args=[supplied.pk])).content.decode()

    for page in (tracking, staff):
        assert found(page) == []
        assert supplied.reference in page
        assert "Bibliothèque de Test" in page
        assert invoice.number in page or str(invoice.total) in page
    assert "Copy completed" in tracking or "Copy sent" in tracking
    assert supplied.received_at.astimezone(timezone.get_current_timezone()).strftime("%Y") in tracking


def test_the_staff_see_each_purge_and_cannot_change_it(personal_world, client, kim):
    retention.purge(now=FUTURE)
    client.force_login(kim)
    listing = client.get(reverse("admin:ill_personaldatapurge_changelist"))
    assert listing.status_code == 200
    assert client.get(reverse("admin:ill_personaldatapurge_add")).status_code == 403


def test_closing_an_account_removes_its_requests_and_its_own_personal_data(personal_world):
    user = personal_world["user"]
    login_attempt(BORROWER_EMAIL, timezone.now())
    # The account's own data is everywhere in the dump until then.
    assert BORROWER in dump() and BORROWER_EMAIL in dump("ill")

    counts = retention.remove_user_personal_data(user)

    assert counts.requests == 1 and counts.borrowings == 1
    assert not AccessAttempt.objects.filter(username=BORROWER_EMAIL).exists()
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    everything = dump()
    assert [value for value in (BORROWER, BORROWER_EMAIL) if value.casefold() in everything.casefold()] == []
    assert LibraryUser.objects.filter(user=user).values_list("phone", "postal_address").get() == ("", "")
    assert IllRequest.objects.get(pk=personal_world["borrowed"].pk).personal_data_removed_at is not None
