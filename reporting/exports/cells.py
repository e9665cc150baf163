"""Cell values for spreadsheets and CSV files that a user's text cannot turn into a formula."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text a spreadsheet would read as a formula, prefixed with an apostrophe (ASVS V1.2.10).

    Numbers, dates and None pass through unchanged: only user text can carry a formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
