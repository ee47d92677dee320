"""The kinds a request is described by: which way it goes, what it asks for and how it travels."""

from enum import StrEnum

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


class BorrowingStep(StrEnum):
    """The steps staff record for a borrowing from abroad (ill.services.borrowing), in the order they come;
    the value names the step in the admin's URL."""

    ASK_PREPAYMENT = "ask_prepayment"
    PREPAYMENT = "prepayment"
    CORRECT_PREPAYMENT = "correct_prepayment"
    SEND_ISO18626 = "send_iso18626"
    SEND = "send"
    ANSWER = "answer"
    CORRECT_FEES = "correct_fees"
    TELL_RECEIVED = "tell_received"
    TELL_SHIPPED_RETURN = "tell_shipped_return"
    ASK_CANCEL = "ask_cancel"
    ARRIVAL = "arrival"
    DELIVER = "deliver"
    RETURN = "return"
    SETTLE = "settle"
    REFUND = "refund"
    BALANCE = "balance"
    MESSAGE_USER = "message_user"
