from django.db.models import Count
from django.templatetags.static import static
from django.views.generic import RedirectView
from django.views.generic import TemplateView

from partners.models import Institution


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["directory"] = Institution.objects.active().aggregate(
            institutions=Count("id"), countries=Count("country", distinct=True)
        )
        return context


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on pages that do not name an icon (the admin's, say)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")
