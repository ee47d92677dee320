"""The ILL admin, split as Django splits its own: requests, borrowing, invoices, and their parts."""

from .borrowing import BorrowingInline, CopyPolicyAdmin, RefundPayoutAdmin
from .requests import FeeScheduleAdmin, IllRequestAdmin

__all__ = [
    "BorrowingInline",
    "CopyPolicyAdmin",
    "FeeScheduleAdmin",
    "IllRequestAdmin",
    "InvoiceAdmin",
    "RefundPayoutAdmin",
]
