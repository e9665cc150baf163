"""Every table page reads its sort and page from the query string through here: a value the
table cannot use is a clear Italian 400 (django-tables2 would drop an unknown column silently
on some tables and fail with a 500 on others, and accept any page size)."""

import re

from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django_tables2 import RequestConfig, Table
from django_tables2.utils import OrderBy

PAGE = re.compile(r"[1-9][0-9]{0,5}")
PER_PAGE_MAX = 100


def _check_query(request: HttpRequest, table: Table) -> None:
    for alias in request.GET.getlist(table.prefixed_order_by_field):
        for part in alias.split(","):
            name = OrderBy(part.strip()).bare if part.strip() else ""
            if not (name in table.columns and table.columns[name].orderable):
                raise BadRequest(
                    f"Ordinamento non valido: «{part[:100]}» non è una colonna ordinabile "
                    "di questa tabella."
                )
    page = request.GET.get(table.prefixed_page_field)
    if page is not None and not PAGE.fullmatch(page):
        raise BadRequest(f"Numero di pagina non valido: «{page[:100]}».")
    per_page = request.GET.get(table.prefixed_per_page_field)
    if per_page is not None and not (PAGE.fullmatch(per_page) and int(per_page) <= PER_PAGE_MAX):
        raise BadRequest(f"Righe per pagina non valide: da 1 a {PER_PAGE_MAX}.")


def configure_table(request: HttpRequest, table: Table, paginate: dict | bool) -> Table:
    """RequestConfig(request, paginate).configure(table), refusing what the table cannot use."""
    _check_query(request, table)
    return RequestConfig(request, paginate=paginate).configure(table)
