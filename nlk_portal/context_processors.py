"""What every template of the site frame is given."""

from .core.contact import ILL_CONTACT


def library(request):
    return {"ill_contact": ILL_CONTACT}
