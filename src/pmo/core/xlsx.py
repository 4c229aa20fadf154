"""Excel downloads of register tables (openpyxl): one sheet per table, typed cells (dates as dates, money as
numbers with two decimals), a bold frozen header row and filters, so the file sorts and sums like the page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: rows one sheet may hold (Excel's limit is 1,048,576; a register past this is exported in parts)
MAX_ROWS = 100_000


def xlsx_response(filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> HttpResponse:
    """An .xlsx attachment with one sheet per ``(title, headers, rows)``."""
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(h) for h in headers]
        kinds: dict[int, str] = {}
        for count, row in enumerate(rows, start=1):
            if count > MAX_ROWS:
                break
            values = [_cell(v) for v in row]
            sheet.append(values)
            for index, value in enumerate(values):
                widths[index] = max(widths[index], min(len(str(value)) if value is not None else 0, 60))
                if value is not None and index not in kinds:
                    kinds[index] = ("money" if isinstance(value, Decimal | float)
                                    else "date" if isinstance(value, date) else "")
        for index, kind in kinds.items():
            if kind:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                    cell.number_format = "#,##0.00" if kind == "money" else "yyyy-mm-dd"
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width + 2
        sheet.freeze_panes = "A2"
        if sheet.max_row > 1:
            sheet.auto_filter.ref = sheet.dimensions
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | Decimal | date | str):
        return value
    return str(value)
