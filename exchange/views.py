from django.utils import timezone
from django.views.generic import TemplateView

from ill.selectors import fees

from .selectors.cooperation import cooperation_page


class CooperationView(TemplateView):
    """The library's International Cooperation page, generated from the records."""

    template_name = "exchange/cooperation.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        try:
            fee_schedule = fees.schedule_in_force(today)
        except fees.NoFeeSchedule:
            fee_schedule = None
        return super().get_context_data(**kwargs) | cooperation_page(today) | {"fee_schedule": fee_schedule}
