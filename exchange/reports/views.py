"""The manager report pages and their downloads. Staff may look; managers may also download."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views import View
from django.views.generic import TemplateView

from . import exports, figures, tables
from .filters import ReportFilterForm

VIEW = ("exchange.view_reports",)
EXPORT = "exchange.export_reports"
REPORTS = ("ill", "exchange")
FORMATS = ("csv", "xlsx", "pdf")


class ReportAccess(LoginRequiredMixin, PermissionRequiredMixin):
    # Staff sign in where they sign in to the admin; a signed-in user without the permission is refused (403).
    login_url = reverse_lazy("admin:login")
    raise_exception = False

    def has_permission(self):
        user = self.request.user
        return user.has_perm(EXPORT) or user.has_perms(self.get_permission_required())

    def handle_no_permission(self):
        self.raise_exception = self.request.user.is_authenticated
        return super().handle_no_permission()


class IndexView(ReportAccess, TemplateView):
    permission_required = VIEW
    template_name = "exchange/reports/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"can_export": self.request.user.has_perm(EXPORT)}


class ReportView(ReportAccess, View):
    permission_required = VIEW
    report = None

    def get(self, request):
        form = ReportFilterForm(request.GET, report=self.report)
        if not form.is_valid():
            return page(request, self.report, form, status=400)
        return page(request, self.report, form, figures.build(self.report, form.filters()))


class DownloadView(ReportAccess, View):
    permission_required = (EXPORT,)

    def has_permission(self):
        return self.request.user.has_perm(EXPORT)

    def get(self, request, report, fmt):
        if report not in REPORTS or fmt not in FORMATS:
            raise Http404
        form = ReportFilterForm(request.GET, report=report)
        if not form.is_valid():
            return page(request, report, form, status=400)
        return exports.download(report, form.filters(), fmt)


def page(request, report_key, form, report=None, status=200):
    """A report's page: the filters (with their errors), the figures and charts, the downloads."""
    context = {
        "form": form,
        "report_key": report_key,
        "title": tables.TITLES[report_key],
        "report": report,
        "can_export": request.user.has_perm(EXPORT),
        "query": request.GET.urlencode(),
        "formats": FORMATS,
    }
    return render(request, "exchange/reports/report.html", context, status=status)
