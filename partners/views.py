from django.views.generic import ListView

from nlk_portal.core.folding import has_hangul

from .models import Institution

MAX_QUERY_LENGTH = 200


class DirectoryView(ListView):
    """The public directory: active institutions grouped by country.

    Without a search the countries run in alphabetical order. With one, the
    best matches come first (Institution.objects.search ranks them): each
    country's group takes the place of its best-ranked institution, groups
    whose best match ranks the same run in alphabetical order, and within a
    group institutions keep their rank order.
    """

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
            key=lambda i: (
                i.search_rank if self.get_query() else 0,
                not i.country,
                str(i.country.name) if i.country else "",
                i.display_name,
            ),
        )
        groups = {}
        for institution in institutions:
            groups.setdefault(institution.country.code or "", []).append(institution)
        context.update(
            query=self.get_query(),
            # Cities and most names are in their own languages, not in Korean: a Korean search that
            # finds nothing says so rather than suggest the directory lacks the institution.
            query_in_hangul=has_hangul(self.get_query()),
            groups=[{"country": members[0].country, "institutions": members} for members in groups.values()],
            institution_count=len(institutions),
            country_count=sum(1 for code in groups if code),
        )
        return context
