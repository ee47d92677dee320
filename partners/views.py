from itertools import groupby

from django.views.generic import ListView

from .models import Institution

MAX_QUERY_LENGTH = 200


class DirectoryView(ListView):
    """The public directory: active institutions grouped by country."""

    template_name = "partners/directory.html"
    context_object_name = "institutions"

    def get_query(self):
        return self.request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]

    def get_queryset(self):
        return Institution.objects.active().search(self.get_query()).prefetch_related("aliases")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institutions = sorted(
            context["institutions"],
            key=lambda i: (not i.country, str(i.country.name) if i.country else "", i.display_name),
        )
        groups = [
            {"country": country, "institutions": list(members)}
            for country, members in groupby(institutions, key=lambda i: i.country)
        ]
        context.update(
            query=self.get_query(),
            groups=groups,
            institution_count=len(institutions),
            country_count=sum(1 for group in groups if group["country"]),
        )
        return context
