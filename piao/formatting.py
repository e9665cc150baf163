"""Numbers as Italian readers write them."""

from decimal import Decimal


def format_number(value: Decimal | float | int | None, *, max_decimals: int = 2) -> str:
    """'25', '99,5', '1.234,56': decimal comma, thousands point, no trailing zeros."""
    if value is None:
        return ""
    quantized = round(Decimal(value), max_decimals)
    text = f"{quantized:,.{max_decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def format_percent(value: Decimal | float | int | None) -> str:
    return "" if value is None else f"{format_number(value)}%"
