"""A staff member works a request from its page in the admin: buttons, notes, history and messages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from ill.models import IllRequest, InternalNote
from ill.selectors.tracking import tracking_path
from ill.services.workflow import do_transition
from ill.status import Status
from nlk_portal.core.calendar import library_today

pytestmark = pytest.mark.django_db


def page_url(ill_request):
    return reverse("admin:ill_illrequest_change", args=[ill_request.pk])


def act_url(ill_request, action):
    return reverse("admin:ill_illrequest_staff_action", args=[ill_request.pk, action])


def act(client, ill_request, action, **data):
    """Press an action's button on the request's page as it was shown (its version), filling in `data`."""
    shown = IllRequest.objects.get(pk=ill_request.pk).version
    return client.post(act_url(ill_request, action), {f"version_{ill_request.pk}": shown, **data})


def stored(ill_request):
    return IllRequest.objects.get(pk=ill_request.pk)


def flashed(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_page_offers_the_moves_possible_from_the_current_status(kim_client, copy_request):
    html = kim_client.get(page_url(copy_request)).content.decode()

    buttons = html[html.index('class="ill-workflow"') : html.index("</section>")]
    for label in ["Assign to me", "Accept (expect to supply)", "Will supply", "Ask the requester",
                  "Unfilled, with a reason", "Cancel the request"]:
        assert f">{label}</button>" in buttons
    for label in ["Copy completed", "Loaned", "Returned"]:
        assert f">{label}</button>" not in buttons
    assert f'name="version_{copy_request.pk}" value="1"' in buttons


def test_staff_accept_a_request_with_one_click_and_the_requester_is_told(
    kim_client, kim, copy_request, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(kim_client, copy_request, "accept")

    assert response.status_code == 302 and response["Location"] == page_url(copy_request)
    assert stored(copy_request).status == Status.EXPECT_TO_SUPPLY
    line = copy_request.history.last()
    assert (line.from_status, line.to_status, line.changed_by) == ("RequestReceived", "ExpectToSupply", kim)
    assert [m.subject for m in mail.outbox] == [f"ILL request {copy_request.reference}: Accepted, being located"]
    html = kim_client.get(page_url(copy_request)).content.decode()
    assert f"1 request is now “Expect to supply”: {copy_request.reference}." in html
    history = html[html.index('id="history-heading"') : html.index('id="internal_notes-heading"')]
    assert history.index("Request received") < history.index("Expect to supply") < history.index("Min-ji Kim")
    messages_sent = html[html.index('id="emails-heading"') :]
    assert f"ILL request {copy_request.reference}: Accepted, being located" in messages_sent


def test_asking_the_requester_opens_a_form_for_the_message_that_is_emailed(
    kim_client, copy_request, django_capture_on_commit_callbacks
):
    form = act(kim_client, copy_request, "ask_requester")
    assert form.status_code == 200
    assert "What the requester must send or decide" in form.content.decode()

    empty = act(kim_client, copy_request, "ask_requester", confirm="1", note="")
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    assert stored(copy_request).status == Status.REQUEST_RECEIVED

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = act(kim_client, copy_request, "ask_requester", confirm="1", note="Which volume: 3 or 4?")

    assert done.status_code == 302
    assert stored(copy_request).status == Status.RETRY_POSSIBLE
    assert "Which volume: 3 or 4?" in mail.outbox[0].body


def test_an_unfilled_request_gets_one_of_the_librarys_reasons(kim_client, copy_request):
    html = act(kim_client, copy_request, "unfilled").content.decode()
    for reason in ["Not held by the National Library of Korea", "Not published or issued in Korea",
                   "Available elsewhere", "Copyright: a copy must be less than one third of the item",
                   "Damaged or too fragile to copy or lend", "Other reason"]:
        assert f">{reason}</option>" in html

    other = act(kim_client, copy_request, "unfilled", confirm="1", reason="other", note="")
    assert "Say in the note what the other reason is" in other.content.decode()

    act(kim_client, copy_request, "unfilled", confirm="1", reason="damaged", note="")
    assert stored(copy_request).status == Status.UNFILLED
    assert copy_request.history.last().reason_text == "Damaged or too fragile to copy or lend"


def test_will_supply_asks_for_the_items_total_pages_when_the_copyright_check_is_not_made(
    kim_client, source_fee_schedule, library
):
    from tests.factories import submit_ill_request

    ill_request = submit_ill_request(requesting_library=library, total_pages=None)
    page = kim_client.get(page_url(ill_request)).content.decode()
    assert "The one-third copyright check has not been made" in page

    form = act(kim_client, ill_request, "will_supply")
    assert f"Total pages of the item {ill_request.reference}" in form.content.decode()

    too_small = act(kim_client, ill_request, "will_supply", confirm="1", **{f"total_pages_{ill_request.pk}": "50"})
    assert "at most 16 of its 50 pages, and you asked for 20" in too_small.content.decode()
    assert stored(ill_request).status == Status.REQUEST_RECEIVED

    act(kim_client, ill_request, "will_supply", confirm="1", **{f"total_pages_{ill_request.pk}": "240"})
    after = stored(ill_request)
    assert (after.status, after.total_pages, after.copyright_check_needed) == ("WillSupply", 240, False)
    assert "Made: 20 of 240 pages asked for, at most 79 allowed." in kim_client.get(page_url(ill_request)).content.decode()


def test_will_supply_is_one_click_once_the_check_is_made(kim_client, copy_request):
    response = act(kim_client, copy_request, "will_supply")

    assert response.status_code == 302
    assert stored(copy_request).status == Status.WILL_SUPPLY


def test_a_completed_copy_records_the_pages_actually_copied(kim_client, copy_request):
    do_transition(copy_request, Status.WILL_SUPPLY)

    form = act(kim_client, copy_request, "copy_completed").content.decode()
    assert f"Pages actually copied for {copy_request.reference}" in form
    assert f'name="pages_copied_{copy_request.pk}" value="20"' in form

    act(kim_client, copy_request, "copy_completed", confirm="1", **{f"pages_copied_{copy_request.pk}": "18"})

    after = stored(copy_request)
    assert (after.status, after.pages_copied) == (Status.COPY_COMPLETED, 18)


def test_a_loan_is_lent_and_returned(kim_client, loan_request):
    due = {"confirm": "1", f"loan_due_date_{loan_request.pk}": (library_today() + timedelta(days=10)).isoformat()}
    for action, status in [("will_supply", "WillSupply"), ("loaned", "Loaned"), ("returned", "LoanCompleted")]:
        assert act(kim_client, loan_request, action, **(due if action == "loaned" else {})).status_code == 302
        assert stored(loan_request).status == status
    assert [c.to_status for c in loan_request.history.all()] == [
        "RequestReceived", "WillSupply", "Loaned", "LoanCompleted"
    ]


def test_staff_give_the_date_a_loan_is_due_back_and_the_requester_is_told_it(
    kim_client, client, loan_request, settings, django_capture_on_commit_callbacks
):
    settings.ILL_LOAN_DAYS = 21
    do_transition(loan_request, Status.WILL_SUPPLY)
    field = f"loan_due_date_{loan_request.pk}"

    form = act(kim_client, loan_request, "loaned")
    offered = (library_today() + timedelta(days=21)).isoformat()
    assert form.status_code == 200 and stored(loan_request).status == Status.WILL_SUPPLY
    page = form.content.decode()
    assert f'name="{field}" value="{offered}"' in page
    assert "gives no loan period" in page and "ILL_LOAN_DAYS" in page
    # A date that is not after today is refused, and nothing moves.
    refused = act(kim_client, loan_request, "loaned", confirm="1", **{field: library_today().isoformat()})
    assert refused.status_code == 200 and "must be due back after today" in refused.content.decode()
    assert stored(loan_request).status == Status.WILL_SUPPLY

    due = library_today() + timedelta(days=45)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(kim_client, loan_request, "loaned", confirm="1", **{field: due.isoformat()})

    assert response.status_code == 302
    assert (stored(loan_request).status, stored(loan_request).loan_due_date) == (Status.LOANED, due)
    [email] = [message for message in mail.outbox if "Invoice" not in message.subject]
    assert f"Return by {due.isoformat()}." in email.body
    assert f"Return by {due.isoformat()}." in email.alternatives[0][0]
    tracking = client.get(tracking_path(loan_request)).content.decode()
    assert "Return by" in tracking and f'<dd class="col-sm-8 loan-due-date">{due.isoformat()}</dd>' in tracking


def test_cancelling_asks_for_confirmation_first(kim_client, copy_request):
    confirm = act(kim_client, copy_request, "cancel")
    assert confirm.status_code == 200 and 'value="Cancel the request"' in confirm.content.decode()
    assert stored(copy_request).status == Status.REQUEST_RECEIVED

    act(kim_client, copy_request, "cancel", confirm="1", note="Sent twice by mistake.")
    assert stored(copy_request).status == Status.CANCELLED


def test_a_move_that_is_no_longer_possible_is_refused_with_the_reason(kim_client, copy_request):
    do_transition(copy_request, Status.CANCELLED)

    response = act(kim_client, copy_request, "accept")

    follow = kim_client.get(response["Location"])
    assert flashed(follow) == [
        f"{copy_request.reference}: A request that is “Cancelled” cannot become “Expect to supply”. "
        "Possible next: nothing: it is closed."
    ]


def test_staff_assign_a_request_to_themselves(kim_client, kim, copy_request):
    act(kim_client, copy_request, "assign_to_me")

    assert stored(copy_request).assigned_to == kim
    html = kim_client.get(page_url(copy_request)).content.decode()
    assert ">Assign to me</button>" not in html
    assert "Assigned to: Min-ji Kim" in html


def test_internal_notes_are_kept_for_staff_and_never_shown_to_the_requester(kim_client, kim, client, copy_request):
    data = change_form_data(copy_request, **{"internal_notes-0-text": "Phoned the bindery: back on Friday."})
    data.update({"internal_notes-TOTAL_FORMS": "1"})

    response = kim_client.post(page_url(copy_request), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    note = InternalNote.objects.get()
    assert (note.request, note.author, note.text) == (copy_request, kim, "Phoned the bindery: back on Friday.")
    assert "Phoned the bindery" in kim_client.get(page_url(copy_request)).content.decode()
    assert "Phoned the bindery" not in client.get(f"/ill/track/{copy_request.tracking_token}/").content.decode()


def test_recording_the_items_total_pages_makes_the_copyright_check(kim_client, source_fee_schedule, library):
    from tests.factories import submit_ill_request

    ill_request = submit_ill_request(requesting_library=library, total_pages=None)

    past_the_end = kim_client.post(page_url(ill_request), change_form_data(ill_request, total_pages="40"))
    assert "Page 45 is past the end of the item, which has 40 pages." in past_the_end.content.decode()

    kim_client.post(page_url(ill_request), change_form_data(ill_request, total_pages="300"))
    after = stored(ill_request)
    assert (after.total_pages, after.copyright_check_needed, after.version) == (300, False, 2)


def change_form_data(ill_request, **overrides):
    """What the request's page posts when saved unchanged, with `overrides` typed in."""
    ill_request = stored(ill_request)
    data = {
        "seen_version": ill_request.version,
        "assigned_to": ill_request.assigned_to_id or "",
        "requesting_library": ill_request.requesting_library_id,
        "contact_name": ill_request.contact_name,
        "email": ill_request.email,
        "postal_address": ill_request.postal_address,
        "total_pages": ill_request.total_pages or "",
    }
    for field in ["title", "article_title", "serial_title", "volume", "issue", "author", "publisher", "place",
                  "isbn", "issn", "nlk_number", "citation_source"]:
        data[field] = getattr(ill_request, field)
    data["year"] = ill_request.year or ""
    for prefix in ["history", "internal_notes", "emails"]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    data["history-TOTAL_FORMS"] = data["history-INITIAL_FORMS"] = str(ill_request.history.count())
    data["emails-TOTAL_FORMS"] = data["emails-INITIAL_FORMS"] = str(ill_request.emails.count())
    for i, change in enumerate(ill_request.history.all()):
        data[f"history-{i}-id"] = change.pk
        data[f"history-{i}-request"] = ill_request.pk
    for i, email in enumerate(ill_request.emails.all()):
        data[f"emails-{i}-id"] = email.pk
        data[f"emails-{i}-request"] = ill_request.pk
    data.update(overrides)
    return data
