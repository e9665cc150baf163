"""Query-count pins that print the SQL when they fail (zulip's `assert_database_query_count`).

`tests/conftest.py` puts `assert_num_queries` behind pytest-django's `django_assert_num_queries`
and `django_assert_max_num_queries` fixtures, so that every existing `with
django_assert_num_queries(n):` shows the numbered statements of a failing pin without `-v`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection as default_connection
from django.db import connections
from django.test.utils import CaptureQueriesContext


def numbered_sql(captured: list[dict]) -> str:
    """'1. SELECT ...' one statement a paragraph, in the order they ran."""
    width = len(str(len(captured)))
    return "\n\n".join(f"{n:>{width}}. {query['sql']}" for n, query in enumerate(captured, start=1))


@contextmanager
def assert_num_queries(
    num: int,
    exact: bool = True,
    connection: Any | None = None,
    info: str | None = None,
    *,
    using: str | None = None,
) -> Iterator[CaptureQueriesContext]:
    """Fail when the block runs a number of queries other than `num` (or more, when not
    `exact`), listing every statement it ran."""
    if connection is not None and using is not None:
        raise ValueError('The "connection" and "using" parameter cannot be used together')
    conn = connection or (connections[using] if using else default_connection)
    with CaptureQueriesContext(conn) as context:
        yield context
    performed = len(context)
    if performed == num or (not exact and performed <= num):
        return
    expected = f"{num} queries" if exact else f"{num} queries or less"
    message = f"Expected to perform {expected} but {performed} were done"
    if info:
        message += f"\n{info}"
    message += "\n\nQueries:\n========\n\n" + numbered_sql(context.captured_queries)
    pytest.fail(message)
