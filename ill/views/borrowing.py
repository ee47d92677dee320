"""The pages of a user in Korea: the request to borrow from abroad, their requests, and the statement."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache

from nlk_portal.core.language import korean_first
from nlk_portal.core.printing import pdf_response
from partners.models import Institution

from ..forms.borrowing import BorrowingRequestForm
from ..forms.requests import fresh_form
from ..models import RefundPayout
from ..rules import settlement, terms
from ..selectors import borrowing
from ..services.submission import SubmissionKeyUsed, submit_borrowing


def _library_user(user):
    profile = getattr(user, "library_user", None)
    return profile if profile and profile.is_confirmed else None


@never_cache
@korean_first
@login_required
def borrow(request):
    profile = _library_user(request.user)
    if profile is None:
        return render(request, "ill/borrow_not_allowed.html", status=403)
    if request.method == "POST":
        form = BorrowingRequestForm(request.POST)
        if form.is_valid():
            try:
                ill_request = submit_borrowing(
                    form.request_details(),
                    user=request.user,
                    submission_key=form.cleaned_data["submission_key"],
                    language=translation.get_language() or "ko",
                    transfer_consent_version=settings.PRIVACY_NOTICE_VERSION,
                )
            except SubmissionKeyUsed as error:
                # The key made another request: say nothing of it, and offer these details on a fresh form.
                form = fresh_form(BorrowingRequestForm, request.POST, error)
            except ValidationError as error:
                form.add_error("service", error)
            else:
                page = reverse("ill:borrowing_request", args=[ill_request.reference])
                return redirect(page + "?submitted=1")
    else:
        form = BorrowingRequestForm(initial={"postal_address": profile.postal_address})
    lender_countries = {
        str(pk): country
        for pk, country in Institution.objects.active().exclude(country="KR").values_list("pk", "country")
    }
    context = {
        "form": form,
        "terms": terms,
        "no_copy_policies": borrowing.no_copy_policies(),
        "lender_countries": {
            "lenders": lender_countries,
            "no_copy": list(borrowing.no_copy_policies().values_list("country", flat=True)),
        },
    }
    return render(request, "ill/borrow_form.html", context)


@never_cache
@korean_first
@login_required
def borrowing_requests(request):
    ill_requests = borrowing.requests_of(request.user).order_by("-received_at")
    return render(request, "ill/borrowing_requests.html", {"ill_requests": ill_requests})


def _own_request(user, reference):
    # Filtering by the user is what stops a changed reference showing someone else's request.
    return get_object_or_404(borrowing.requests_of(user), reference=reference)


@never_cache
@korean_first
@login_required
def borrowing_request(request, reference):
    ill_request = _own_request(request.user, reference)
    record = ill_request.borrowing
    due = borrowing.prepayment_due(record)
    context = {
        "ill_request": ill_request,
        "borrowing": record,
        "history": ill_request.history.all(),
        "terms": terms,
        "submitted": request.GET.get("submitted") == "1",
        "settlement": settlement.for_borrowing(record) if record.settled_at else None,
        "refund": RefundPayout.objects.filter(borrowing=record).first(),
        "due": due,
        "instructions": list(borrowing.payment_instructions(due.currency if due else None)),
    }
    return render(request, "ill/borrowing_request.html", context)


@never_cache
@korean_first
@login_required
def borrowing_statement(request, reference):
    record = _own_request(request.user, reference).borrowing
    if not record.statement_pdf:
        raise Http404
    return pdf_response(record.statement_pdf, record.statement_filename)
