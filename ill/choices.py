"""The kinds a request is described by: which way it goes, what it asks for and how it travels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    NLK_SUPPLIES = "supplies", _("NLK supplies an overseas library")
    NLK_BORROWS = "borrows", _("NLK borrows from abroad")


class ItemType(models.TextChoices):
    MONOGRAPH = "monograph", _("Monograph (book)")
    SERIAL_ARTICLE = "article", _("Serial article")


class Service(models.TextChoices):
    COPY = "copy", _("Copy (document delivery)")
    LOAN = "loan", _("Loan")


class Delivery(models.TextChoices):
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronically")


class LenderAnswer(models.TextChoices):
    WAITING = "waiting", _("No answer yet")
    AVAILABLE = "available", _("Available: the lending institution will supply it")
    NOT_AVAILABLE = "not_available", _("Not available from the lending institution")
