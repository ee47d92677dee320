"""Who receives what is sent to the managers."""

from django.contrib.auth import get_user_model

from nlk_portal.core.roles import MANAGERS


def report_recipients():
    """The email addresses of the active managers who have one, sorted, each once."""
    managers = get_user_model().objects.filter(groups__name=MANAGERS, is_active=True).exclude(email="")
    return sorted(set(managers.values_list("email", flat=True)))
