"""Every model of the ILL app, from the module that defines it."""

from ..choices import Delivery, Direction, ItemType, LenderAnswer, Service
from .borrowing import Borrowing, CopyPolicy, PaymentInstruction, RefundPayout, statement_upload_to
from .emails import SentEmail, StaffDigest
from .fees import FeeSchedule
from .invoices import Invoice, InvoiceLine, Payment, invoice_upload_to
from .iso18626 import Iso18626Message, Iso18626Transaction
from .requests import (
    MAX_COST_USD,
    MAX_TEXT,
    IllRequest,
    InternalNote,
    MoneyChange,
    SequenceCounter,
    StatusChange,
    new_tracking_token,
)
from .retention import PersonalDataPurge

__all__ = [
    "MAX_COST_USD",
    "MAX_TEXT",
    "Borrowing",
    "CopyPolicy",
    "Delivery",
    "Direction",
    "FeeSchedule",
    "IllRequest",
    "InternalNote",
    "Invoice",
    "InvoiceLine",
    "Iso18626Message",
    "Iso18626Transaction",
    "ItemType",
    "MoneyChange",
    "LenderAnswer",
    "Payment",
    "PersonalDataPurge",
    "PaymentInstruction",
    "RefundPayout",
    "SentEmail",
    "SequenceCounter",
    "StaffDigest",
    "StatusChange",
    "Service",
    "invoice_upload_to",
    "new_tracking_token",
    "statement_upload_to",
]
