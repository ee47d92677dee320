"""A partner librarian's or user in Korea's own account: what the portal holds about them, to download, and
closing the account."""

import json
from functools import wraps

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from nlk_portal.core.exports.downloads import CONTENT_TYPES
from nlk_portal.core.exports.writers import csv_chunks, csv_value
from nlk_portal.core.language import korean_first
from partners.selectors import accounts

from ..forms.account import CloseAccountForm
from ..selectors.personal_data import account_data, account_rows, open_requests_of
from ..services.account_closing import AccountStillNeeded, close_account


def own_account(view):
    """Signed in, with no caching; Korean first for a user in Korea; a page saying so for staff accounts."""

    @never_cache
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not accounts.is_registrant(request.user):
            return render(request, "ill/account_not_registrant.html", status=403)
        if accounts.is_library_user(request.user):
            return korean_first(view)(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped


@own_account
@require_GET
def account(request):
    context = {
        "profile": getattr(request.user, "librarian", None) or getattr(request.user, "library_user", None),
        "open_requests": open_requests_of(request.user),
    }
    return render(request, "ill/account.html", context)


def _attachment(response, extension):
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="nlk-portal-my-data-{day}.{extension}"'
    return response


@own_account
@require_http_methods(["GET", "POST"])
def data_json(request):
    body = json.dumps(account_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return _attachment(HttpResponse(body, content_type="application/json; charset=utf-8"), "json")


@own_account
@require_http_methods(["GET", "POST"])
def data_csv(request):
    header = [_("Record"), _("Reference"), _("Field"), _("Value")]
    rows = [header, *([csv_value(cell) for cell in row] for row in account_rows(request.user))]
    return _attachment(HttpResponse(b"".join(csv_chunks(rows)), content_type=CONTENT_TYPES["csv"]), "csv")


@own_account
@require_http_methods(["GET", "POST"])
def close(request):
    form = CloseAccountForm(request.user, request.POST or None)
    still_open = list(open_requests_of(request.user))
    if request.method == "POST" and not still_open and form.is_valid():
        try:
            close_account(request.user)
        except AccountStillNeeded as refused:
            still_open = refused.open_requests
        else:
            logout(request)
            return render(request, "ill/account_closed.html")
    status = 409 if request.method == "POST" and still_open else 200
    return render(request, "ill/account_close.html", {"form": form, "open_requests": still_open}, status=status)
