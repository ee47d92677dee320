"""What borrowing from abroad reads: a user's own requests, and the countries whose law forbids copying."""

from ..choices import Direction
from ..models import CopyPolicy, IllRequest


def copying_permitted(country):
    """False where staff have recorded that the country's law does not permit copying."""
    return not CopyPolicy.objects.filter(country=country, copying_permitted=False).exists()


def no_copy_policies():
    return CopyPolicy.objects.filter(copying_permitted=False)


def requests_of(user):
    """The user's own borrowing requests: nobody sees another's."""
    if not user.is_authenticated:
        return IllRequest.objects.none()
    mine = IllRequest.objects.filter(direction=Direction.NLK_BORROWS, submitted_by=user)
    return mine.select_related("borrowing")
