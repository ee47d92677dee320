"""The public ILL pages: the service and its fees, the request form, tracking, invoices and a library's requests."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.core import get_usage

from nlk_portal.core import ratelimits
from nlk_portal.core.calendar import library_today
from nlk_portal.core.folding import has_hangul
from nlk_portal.core.printing import pdf_response
from partners.models import Institution

from ..choices import Direction
from ..forms.fee_quote import FeeQuoteForm
from ..forms.openurl import initial_from_openurl
from ..forms.requests import IllRequestForm, fresh_form
from ..models import IllRequest
from ..rules import copyright, fees
from ..selectors.fees import preview_schedule_in_force, schedule_in_force
from ..selectors.tracking import request_for_token, requester_invoices, submission_key_used, tracking_path
from ..services.submission import SubmissionKeyUsed, submit_request

MAX_LIBRARY_RESULTS = 10


def submit_rate(group, request):
    return settings.ILL_SUBMIT_RATE


def verified_submit_rate(group, request):
    return settings.ILL_SUBMIT_RATE_VERIFIED


def seconds_over_submission_limit(request):
    """Count this submission; once its sender is over the limit, the seconds until the limit's window ends
    (at least 1), else 0.

    A partner librarian whose account staff have linked to their library is counted per account at
    the higher ILL_SUBMIT_RATE_VERIFIED; anyone else per client address at ILL_SUBMIT_RATE.
    """
    if _librarian_institution(request.user) is not None:
        usage = get_usage(
            request, group="ill-submit-verified", key="user", rate=verified_submit_rate, method="POST",
            increment=True,
        )
    else:
        usage = get_usage(request, group="ill-submit", key="ip", rate=submit_rate, method="POST", increment=True)
    if usage is None or not usage["should_limit"]:
        return 0
    return max(1, usage["time_left"])


def service(request):
    """The service page: what can be asked for, the fees in force and the terms."""
    schedule = schedule_in_force(library_today())
    return render(request, "ill/service.html", {"schedule": schedule})


@never_cache
def new_request(request):
    """The form, a review step showing the fee, then the request; works without JavaScript.

    An OpenURL 1.0 query on the form's address (rft.title, rft.au, rft.isbn, ...) fills in the item.
    """
    if request.method != "POST":
        # A catalogue or discovery system links here with an OpenURL describing the item.
        initial = {**_initial_for(request.user), **initial_from_openurl(request.GET, this_year=library_today().year)}
        return _form_page(request, IllRequestForm(initial=initial))
    form = IllRequestForm(request.POST)
    action = request.POST.get("action")
    if not form.is_valid() or action == "edit":
        return _form_page(request, form)
    if action != "submit":
        return render(request, "ill/request_review.html", {"form": form})
    submission_key = form.cleaned_data["submission_key"]
    # The limit counts new requests: the same form sent again (a double click, a reload) makes none.
    wait = 0 if submission_key_used(submission_key) else seconds_over_submission_limit(request)
    if wait:
        # Nothing typed is lost: the form comes back as it was sent, with when to send it again and the way
        # to reach the service.
        response = _form_page(request, form, limited=True, status=429, retry_minutes=-(-wait // 60))
        response["Retry-After"] = str(wait)
        return response
    try:
        ill_request = submit_request(
            form.request_details(),
            submission_key=submission_key,
            submitted_by=request.user if request.user.is_authenticated else None,
            language=translation.get_language() or "en",
        )
    except SubmissionKeyUsed as error:
        # The key made another request: say nothing of it, and offer these details on a fresh form.
        return _form_page(request, fresh_form(IllRequestForm, request.POST, error))
    # Sent again with the same details, the form leads to the request it made, as the first time.
    return redirect("ill:submitted", token=ill_request.tracking_token)


def _form_page(request, form, limited=False, status=200, retry_minutes=None):
    schedule = schedule_in_force(library_today())
    context = {"form": form, "schedule": schedule, "limited": limited, "retry_minutes": retry_minutes}
    return render(request, "ill/request_form.html", context, status=status)


def _librarian_institution(user):
    librarian = getattr(user, "librarian", None) if user.is_authenticated else None
    return librarian.institution if librarian and librarian.is_confirmed else None


def _initial_for(user):
    institution = _librarian_institution(user)
    if institution is None:
        return {}
    return {
        "requesting_library": institution.pk if institution.is_active else None,
        "contact_name": user.get_full_name(),
        "email": user.email,
        "postal_address": institution.address,
    }


@never_cache
def submitted(request, token):
    ill_request = request_for_token(token)
    context = _request_context(ill_request)
    context["tracking_path"] = tracking_path(ill_request)
    return render(request, "ill/submitted.html", context)


@never_cache
def track(request, token):
    ill_request = request_for_token(token)
    context = _request_context(ill_request, invoice_route=("ill:track_invoice", token))
    response = render(request, "ill/track.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def track_invoice(request, token, number):
    return _invoice_response(_invoice_of(request_for_token(token), number))


def _request_context(ill_request, invoice_route=None):
    """`invoice_route` is (URL name, key of the request) for the invoice links the reader may follow."""
    return {
        "ill_request": ill_request,
        "history": ill_request.history.all(),
        "quote": fees.recorded_quote(ill_request),
        "invoices": [
            (invoice, reverse(invoice_route[0], args=[invoice_route[1], invoice.number]))
            for invoice in (requester_invoices(ill_request) if invoice_route else [])
        ],
    }


def _invoice_of(ill_request, number):
    return get_object_or_404(requester_invoices(ill_request), number=number)


def _invoice_response(invoice):
    return pdf_response(invoice.pdf, invoice.filename)


@require_GET
def fee_quote(request):
    """JSON for the live fee preview; 400 with the field at fault for bad input."""
    if ratelimits.over_limit(request, "ill-quote", settings.ILL_QUOTE_RATE):
        return JsonResponse({"error": _("Too many fee previews: wait a minute."), "field": None}, status=429)
    form = FeeQuoteForm(request.GET)
    if not form.is_valid():
        field, message = form.first_problem()
        return JsonResponse({"error": message, "field": field}, status=400)
    asked = form.cleaned_data
    quote = fees.quote(
        service=asked["service"],
        delivery=asked["delivery"],
        pages=asked["pages"],
        schedule=preview_schedule_in_force(library_today()),
    )
    body = {
        "copying_fee": str(quote.copying_fee),
        "shipping_fee": str(quote.shipping_fee),
        "total": str(quote.total),
        "currency": quote.currency,
        "schedule": str(quote.schedule),
    }
    if asked["counted_pages"] is not None:
        body["pages"] = asked["counted_pages"]
        body["pages_label"] = ngettext("%(count)s page", "%(count)s pages", asked["counted_pages"]) % {
            "count": f"{asked['counted_pages']:,}"
        }
    if asked["total_pages"] is not None:
        # The one-third limit, as soon as the total is known: the form shows it instead of a fee.
        body["total_pages"] = asked["total_pages"]
        body["most_pages_allowed"] = copyright.most_pages_allowed(asked["total_pages"])
        body["within_copyright_limit"] = copyright.within_limit(asked["pages"], asked["total_pages"])
    return JsonResponse(body)


@require_GET
def library_search(request):
    """Libraries matching the typed name, other spelling or country, for the form's search box."""
    text = request.GET.get("q", "")[:200].strip()
    if len(text) < 2:
        return JsonResponse({"results": []})
    found = Institution.objects.active().search(text).order_by("name_en")[:MAX_LIBRARY_RESULTS]
    results = [
        {
            "id": i.pk,
            "name": i.display_name,
            "country": str(i.country.name) if i.country else "",
            "city": i.city,
        }
        for i in found
    ]
    body = {"results": results}
    if results:
        body["found"] = ngettext(
            "%(count)s library found: choose yours.", "%(count)s libraries found: choose yours.", len(results)
        ) % {"count": len(results)}
    if not results and has_hangul(text):
        # Cities and most names are in their own languages: say so rather than suggest the library is missing.
        body["message"] = _(
            "No library matched “%(query)s”. City and library names are listed in their own languages; "
            "try the English or native name, or enter your library below."
        ) % {"query": text}
    return JsonResponse(body)


@login_required
def library_requests(request):
    institution = _librarian_institution(request.user)
    ill_requests = (
        IllRequest.objects.filter(requesting_library=institution, direction=Direction.NLK_SUPPLIES)
        if institution
        else IllRequest.objects.none()
    )
    return render(
        request, "ill/library_requests.html", {"institution": institution, "ill_requests": ill_requests}
    )


@login_required
def library_request(request, reference):
    institution = _librarian_institution(request.user)
    # Filtering by the librarian's library is what stops a changed reference showing another's request.
    ill_request = get_object_or_404(
        IllRequest, reference=reference, requesting_library=institution, direction=Direction.NLK_SUPPLIES
    )
    context = _request_context(ill_request, invoice_route=("ill:library_request_invoice", reference))
    return render(request, "ill/library_request.html", context)


@login_required
@never_cache
def library_request_invoice(request, reference, number):
    institution = _librarian_institution(request.user)
    ill_request = get_object_or_404(
        IllRequest, reference=reference, requesting_library=institution, direction=Direction.NLK_SUPPLIES
    )
    return _invoice_response(_invoice_of(ill_request, number))
