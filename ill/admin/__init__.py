"""The ILL admin, split as Django splits its own: requests, borrowing (its admins, steps and step forms),
invoices, and their parts."""

from .borrowing import BorrowingInline, CopyPolicyAdmin, PaymentInstructionAdmin, RefundPayoutAdmin
from .iso18626 import Iso18626MessageAdmin
from .requests import FeeScheduleAdmin, IllRequestAdmin
from .retention import PersonalDataPurgeAdmin

__all__ = [
    "BorrowingInline",
    "CopyPolicyAdmin",
    "FeeScheduleAdmin",
    "IllRequestAdmin",
    "InvoiceAdmin",
    "Iso18626MessageAdmin",
    "PaymentInstructionAdmin",
    "PersonalDataPurgeAdmin",
    "RefundPayoutAdmin",
]
