"""How what is asked for may travel: a loan is the item itself, so it goes by post; a copy may go either way."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..choices import Delivery, Service

LOAN_BY_POST = _("A loan can only be sent by post.")


def check_delivery(service: str, delivery: str) -> None:
    """Refuse a delivery the service cannot travel by: the request form, the borrowing form and the live
    fee quote all ask this."""
    if service == Service.LOAN and delivery == Delivery.ELECTRONIC:
        raise ValidationError(LOAN_BY_POST, code="loan_by_post")
