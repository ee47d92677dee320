"""What staff do to requests in the admin: the buttons on a request's page and the bulk actions of the list.

ill.services.workflow says which moves a request may make now (a borrowing
makes most of its moves through its own steps, ill.admin.borrowing_steps); this
module only gathers what an action needs from the staff member and reports
what happened.
Every action carries the version of each request as the staff member saw
it, so that a request someone else has changed since is left alone.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from nlk_portal.core.posted import posted_number

from ..services import workflow
from ..status import Status
from . import forms as admin_forms
from .pages import form_page

# A bulk action works on at most this many requests at once.
MAX_BULK = 500
# Past this, refusals are summed up rather than listed one by one.
MAX_LISTED_REFUSALS = 20


@dataclass(frozen=True)
class StaffAction:
    name: str
    label: str
    to_status: Status | None  # None: the action assigns rather than moves the request
    form_class: type = admin_forms.StaffActionForm
    # Ask before acting even when there is nothing to fill in: these end the request.
    confirm: bool = False

    def applies_to(self, ill_request, user):
        if self.to_status is None:
            return ill_request.assigned_to_id != user.pk
        return self.to_status in workflow.allowed_moves(ill_request)

    def needs_page(self, requests):
        return self.confirm or self.form_class(requests=requests).needs_input


ACTIONS = [
    StaffAction("assign_to_me", _("Assign to me"), None, admin_forms.AssignForm),
    StaffAction("accept", _("Accept (expect to supply)"), Status.EXPECT_TO_SUPPLY),
    StaffAction("will_supply", _("Will supply"), Status.WILL_SUPPLY, admin_forms.WillSupplyForm),
    StaffAction("ask_requester", _("Ask the requester"), Status.RETRY_POSSIBLE, admin_forms.AskRequesterForm),
    StaffAction("unfilled", _("Unfilled, with a reason"), Status.UNFILLED, admin_forms.UnfilledForm),
    # A button that sets a status says what it does (context "staff action"); the status keeps its own name.
    StaffAction(
        "copy_completed", pgettext_lazy("staff action", "Copy completed"), Status.COPY_COMPLETED,
        admin_forms.CopyCompletedForm,
    ),
    StaffAction("loaned", pgettext_lazy("staff action", "Loaned"), Status.LOANED, admin_forms.LoanedForm),
    StaffAction("loan_overdue", pgettext_lazy("staff action", "Loan overdue"), Status.OVERDUE),
    StaffAction("recall", _("Recall the loan"), Status.RECALLED),
    StaffAction("returned", pgettext_lazy("staff action", "Returned"), Status.LOAN_COMPLETED),
    StaffAction(
        "not_returned", pgettext_lazy("staff action", "Completed without return"), Status.COMPLETED_WITHOUT_RETURN,
        confirm=True,
    ),
    StaffAction("cancel", _("Cancel the request"), Status.CANCELLED, confirm=True),
]
BY_NAME = {action.name: action for action in ACTIONS}


def available(ill_request, user):
    """The actions the request's page offers: the moves the workflow allows it now, and taking it."""
    return [action for action in ACTIONS if action.applies_to(ill_request, user)]


def posted_versions(data, requests):
    """The version of each request the staff member's page showed (hidden inputs version_<pk>)."""
    versions = {}
    for ill_request in requests:
        versions[ill_request.pk] = posted_number(data.get(f"version_{ill_request.pk}", ""))
    return versions


@dataclass
class Outcome:
    done: list
    refused: list  # (request, message, whether someone else had changed it)


def perform(action, form, user, versions):
    """Apply the action to each request on its own: one refused request does not stop the others."""
    outcome = Outcome(done=[], refused=[])
    for ill_request in form.requests:
        expected = versions.get(ill_request.pk)
        try:
            if action.to_status is None:
                workflow.assign(ill_request, user, by=user, expected_version=expected)
            else:
                workflow.do_transition(
                    ill_request,
                    action.to_status,
                    by=user,
                    expected_version=expected,
                    **form.transition_options(ill_request),
                )
        except ValidationError as error:
            stale = isinstance(error, workflow.StaleRequest)
            outcome.refused.append((ill_request, " ".join(error.messages), stale))
        else:
            outcome.done.append(ill_request)
    return outcome


def report(request, action, outcome):
    if outcome.done:
        references = ", ".join(r.reference for r in outcome.done)
        if action.to_status is None:
            text = ngettext(
                "%(count)d request assigned to you: %(references)s.",
                "%(count)d requests assigned to you: %(references)s.",
                len(outcome.done),
            )
        else:
            text = ngettext(
                "%(count)d request is now “%(status)s”: %(references)s.",
                "%(count)d requests are now “%(status)s”: %(references)s.",
                len(outcome.done),
            )
        status = action.to_status.label if action.to_status else ""
        messages.success(request, text % {"count": len(outcome.done), "references": references, "status": status})
    for ill_request, message, _stale in outcome.refused[:MAX_LISTED_REFUSALS]:
        messages.error(request, f"{ill_request.reference}: {message}")
    if len(outcome.refused) > MAX_LISTED_REFUSALS:
        more = len(outcome.refused) - MAX_LISTED_REFUSALS
        messages.error(
            request,
            ngettext(
                "%(count)d more request was left unchanged.", "%(count)d more requests were left unchanged.", more
            )
            % {"count": more},
        )


def render_page(request, model_admin, action, form, versions, *, form_url, cancel_url, bulk):
    """The page that asks what an action needs, for one request or for the ones chosen on the list."""
    return form_page(
        request, model_admin, "ill/admin/staff_action.html", title=action.label, form=form, cancel_url=cancel_url,
        action=action, rows=list(form.rows()), versions=versions, bulk=bulk, form_url=form_url,
        media=model_admin.media + form.media,
    )


def on_one_request(request, model_admin, ill_request, action, change_url):
    """The action as a button on the request's page: at once, or through a page that asks what it needs.

    A move the workflow does not allow the request now is refused before anything is asked (a borrowing's
    own moves are made by its steps): back to the request's page, with the workflow's reason.
    """
    refusal = workflow.why_not(ill_request, action.to_status) if action.to_status is not None else ""
    if refusal:
        messages.error(request, f"{ill_request.reference}: {refusal}")
        return HttpResponseRedirect(change_url)
    posted = request.method == "POST"
    versions = posted_versions(request.POST, [ill_request]) if posted else {ill_request.pk: ill_request.version}
    if posted and ("confirm" in request.POST or not action.needs_page([ill_request])):
        form = action.form_class(request.POST, requests=[ill_request])
        if form.is_valid():
            outcome = perform(action, form, request.user, versions)
            refused = outcome.refused[0] if outcome.refused else None
            # A refusal the staff member can put right stays on the page with what they typed;
            # a request someone else changed meanwhile sends them back to look at it again.
            if refused is None or refused[2] or not action.needs_page([ill_request]):
                report(request, action, outcome)
                return HttpResponseRedirect(change_url)
            form.add_error(None, refused[1])
    else:
        form = action.form_class(requests=[ill_request])
    return render_page(
        request, model_admin, action, form, versions, form_url=request.path, cancel_url=change_url, bulk=False
    )


def able_to_take(action, requests):
    """The requests the workflow lets take the action now, and the others with its reason for each."""
    if action.to_status is None:
        return requests, []
    able, refused = [], []
    for ill_request in requests:
        refusal = workflow.why_not(ill_request, action.to_status)
        if refusal:
            refused.append((ill_request, refusal, False))
        else:
            able.append(ill_request)
    return able, refused


def left_out_text(action, refused):
    text = ngettext(
        "%(count)d request left out, as it cannot become “%(status)s” now: %(references)s.",
        "%(count)d requests left out, as they cannot become “%(status)s” now: %(references)s.",
        len(refused),
    )
    references = ", ".join(ill_request.reference for ill_request, _message, _stale in refused)
    return text % {"count": len(refused), "status": action.to_status.label, "references": references}


def on_chosen_requests(request, model_admin, action, requests):
    """The action from the list; returns None (back to the list) once done, or the page that asks."""
    if len(requests) > MAX_BULK:
        messages.warning(request, _("Choose at most %(max)d requests for one action.") % {"max": MAX_BULK})
        return None
    if "confirm" in request.POST or not action.needs_page(requests):
        form = action.form_class(request.POST, requests=requests)
        if form.is_valid():
            report(request, action, perform(action, form, request.user, posted_versions(request.POST, requests)))
            return None
    else:
        # Nothing is asked about a request the action cannot apply to: it is left out, and said why.
        requests, refused = able_to_take(action, requests)
        if requests and refused:
            messages.warning(request, left_out_text(action, refused))
        report(request, action, Outcome(done=[], refused=refused))
        if not requests:
            return None
        form = action.form_class(requests=requests)
    versions = posted_versions(request.POST, requests)
    here = request.get_full_path()
    return render_page(request, model_admin, action, form, versions, form_url=here, cancel_url=here, bulk=True)
