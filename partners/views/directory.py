"""The public partner directory: active institutions grouped by country, and its search."""

from django.views.generic import ListView

from nlk_portal.core.folding import has_hangul

from ..selectors.directory import directory_by_country, directory_search

MAX_QUERY_LENGTH = 200


class DirectoryView(ListView):
    """The public directory: active institutions grouped by country (partners.selectors.directory).

    Without a search the countries run in alphabetical order; with one, the best matches come first.
    """

    template_name = "partners/directory.html"
    context_object_name = "institutions"

    def get_query(self):
        return self.request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]

    def get_queryset(self):
        return directory_search(self.get_query())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        directory = directory_by_country(context["institutions"], ranked=bool(self.get_query()))
        context.update(
            query=self.get_query(),
            # Cities and most names are in their own languages, not in Korean: a Korean search that
            # finds nothing says so rather than suggest the directory lacks the institution.
            query_in_hangul=has_hangul(self.get_query()),
            groups=directory.groups,
            institution_count=directory.institution_count,
            country_count=directory.country_count,
        )
        return context
