"""Object ids from outside (URLs, query strings, forms, API input) are bounded before they reach the database."""

from __future__ import annotations

#: the largest key a database integer column holds (SQLite INTEGER, PostgreSQL bigint); a larger
#: number sent to the database is an OverflowError (a 500), so none gets past input handling
MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """``value`` as an object id, or None when it cannot be one (not a whole number, or out of range)."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
