"""Amounts of money written one way in every language: the currency's code, then the amount with its
thousands grouped and as many decimals as the currency has ("KRW 50,000", "USD 1,234.50")."""

from decimal import Decimal

# ISO 4217 currencies without a minor unit: no decimals are written for them.
NO_MINOR_UNIT = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF",
     "XOF", "XPF"}
)


def decimal_places(currency: str) -> int:
    """How many decimals an amount in `currency` is written with: 0 for KRW, 2 for USD and most others."""
    return 0 if (currency or "").upper() in NO_MINOR_UNIT else 2


def format_amount(amount, currency: str) -> str:
    """The amount alone, grouped and with the currency's decimals: "50,000" (KRW), "1,234.50" (USD).

    An amount with more decimals than its currency has keeps them ("50,000.50" KRW) rather than be
    rounded: what is written is never more or less than what was recorded.
    """
    amount = Decimal(amount)
    places = decimal_places(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        places = max(2, -amount.normalize().as_tuple().exponent)
    return f"{amount:,.{places}f}"


def format_money(amount, currency: str) -> str:
    """"KRW 50,000", "USD 5.00"; "" when there is no amount."""
    if amount is None or amount == "":
        return ""
    return f"{currency} {format_amount(amount, currency)}" if currency else format_amount(amount, currency)
