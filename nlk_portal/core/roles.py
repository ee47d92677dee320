"""The staff groups (created by ill/migrations/0004_staff_groups) and who belongs to them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

ILL_STAFF = "ILL staff"
EXCHANGE_STAFF = "Exchange staff"
MANAGERS = "Managers"
# May change ISO 18626 peers' endpoints, security codes and client networks (partners/migrations/0008).
ISO18626_ADMINISTRATORS = "ISO 18626 administrators"


def staff_name(user: User) -> str:
    """How staff pages and messages name a member of staff: their full name, else their username."""
    return user.get_full_name() or user.get_username()


def ill_staff_members() -> QuerySet[User]:
    return get_user_model().objects.filter(groups__name=ILL_STAFF, is_active=True, is_staff=True)


def assignable_staff() -> QuerySet[User]:
    """Who requests can be assigned to: the ILL staff, and superusers."""
    return (
        get_user_model()
        .objects.filter(Q(groups__name=ILL_STAFF) | Q(is_superuser=True), is_active=True, is_staff=True)
        .distinct()
        .order_by("username")
    )
