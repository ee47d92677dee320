from django.db.models import Count
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
