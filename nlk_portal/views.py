"""The site's own pages: home, the error pages and the icon."""

import logging

from django.conf import settings
from django.http import HttpResponseServerError
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.generic import RedirectView, TemplateView

from partners.models import Institution

from .core.contact import ill_contact

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["directory"] = Institution.objects.active().counts()
        return context


class PrivacyView(TemplateView):
    """The privacy notice: what each form collects, why, for how long, where it goes, and whom to ask.

    The periods, the notice's version and the privacy officer are the settings the purge and the forms read.
    """

    template_name = "privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            retention_days=settings.PERSONAL_DATA_RETENTION_DAYS,
            login_record_days=settings.LOGIN_RECORD_RETENTION_DAYS,
            unconfirmed_days=settings.ACCOUNTS_UNCONFIRMED_DAYS,
            notice_version=settings.PRIVACY_NOTICE_VERSION,
            officer_name=settings.PRIVACY_OFFICER_NAME,
            officer_contact=settings.PRIVACY_OFFICER_CONTACT,
        )
        return context


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on pages that do not name an icon (the admin's, say)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


def server_error(request):
    """The 500 page in the site frame, drawn without the database, which may be what failed.

    Nothing here reads the session or the user (both are in the database);
    should the page itself fail, a plain one is sent.
    """
    context = {"request": request, "csrf_token": get_token(request), "ill_contact": ill_contact()}
    try:
        return HttpResponseServerError(render_to_string("500.html", context))
    except Exception:
        logger.exception("The 500 page could not be drawn")
        return HttpResponseServerError(
            "<!doctype html><title>Server error</title><h1>Server error</h1>", content_type="text/html"
        )
