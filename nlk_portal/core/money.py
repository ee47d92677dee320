"""Amounts of money written one way in every language: the currency's code, then the amount with its
thousands grouped and as many decimals as the currency has ("KRW 50,000", "USD 1,234.50")."""

from dataclasses import dataclass
from decimal import Decimal
from typing import cast

# ISO 4217 currencies without a minor unit: no decimals are written for them.
NO_MINOR_UNIT = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF",
     "XOF", "XPF"}
)


def decimal_places(currency: str) -> int:
    """How many decimals an amount in `currency` is written with: 0 for KRW, 2 for USD and most others."""
    return 0 if (currency or "").upper() in NO_MINOR_UNIT else 2


def format_amount(amount: Decimal | int | str, currency: str) -> str:
    """The amount alone, grouped and with the currency's decimals: "50,000" (KRW), "1,234.50" (USD).

    An amount with more decimals than its currency has keeps them ("50,000.50" KRW) rather than be
    rounded: what is written is never more or less than what was recorded.
    """
    amount = Decimal(amount)
    places = decimal_places(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        # A finite amount: its exponent is a number.
        places = max(2, -cast(int, amount.normalize().as_tuple().exponent))
    return f"{amount:,.{places}f}"


def format_money(amount: Decimal | int | str | None, currency: str) -> str:
    """"KRW 50,000", "USD 5.00"; "" when there is no amount."""
    if amount is None or amount == "":
        return ""
    return f"{currency} {format_amount(amount, currency)}" if currency else format_amount(amount, currency)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in its currency: the one Money of the portal (fees, settlements, ISO 18626 costs, report cells).

    `str()` writes it as the portal writes amounts ("KRW 50,000", "USD 5.00"); `amount_text` is the amount
    alone ("50,000"), for a table whose currency is written once; `number_format` is its spreadsheet format.
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("money is a Decimal, never a float")

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)

    @property
    def amount_text(self) -> str:
        return format_amount(self.amount, self.currency)

    @property
    def number_format(self) -> str:
        """The cell format a spreadsheet shows it in: '"USD" #,##0.00', '"KRW" #,##0'."""
        places = decimal_places(self.currency)
        digits = "#,##0" + ("." + "0" * places if places else "")
        return f'"{self.currency}" {digits}' if self.currency else digits
