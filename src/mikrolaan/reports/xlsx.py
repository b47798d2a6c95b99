"""The report as an Excel workbook: an overview sheet, then one sheet per table (Tabel 1–8)."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from mikrolaan.core.cells import xlsx_cell
from mikrolaan.core.suppression import MARKER, is_hidden, marked, suppression_note
from mikrolaan.reports.tables import build_tables

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)


def render_xlsx(report: dict) -> bytes:
    workbook = Workbook()
    overview = workbook.active
    overview.title = _("Overview")
    overview.append([_("Mikrolån – results of the cohorts")])
    overview["A1"].font = TITLE
    overview.append([_("As of"), report["as_of"]])
    overview.append([_("Cohorts"), ", ".join(c["cohort"] for c in report["cohorts"])])
    overview.append([_("Borrowers"), _cells([marked(report)["borrowers"]])[0]])
    note = suppression_note(report)
    if note:
        overview.append([])
        overview.append([note])
    overview.column_dimensions["A"].width = 28
    overview.column_dimensions["B"].width = 30
    for table in build_tables(report):
        sheet = workbook.create_sheet(table.sheet_name)
        sheet.append([table.title])
        sheet["A1"].font = TITLE
        sheet.append([])
        sheet.append(table.headings)
        for cell in sheet[3]:
            cell.font = BOLD
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            sheet.append(_cells(row))
        if table.total:
            sheet.append(_cells(table.total))
            for cell in sheet[sheet.max_row]:
                cell.font = BOLD
        for row in sheet.iter_rows(min_row=4):
            for index, cell in enumerate(row):
                if isinstance(cell.value, Decimal) and index in table.change_columns:
                    cell.number_format = "+0.0;-0.0;0.0"
                elif isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
                elif isinstance(cell.value, int):
                    cell.number_format = "#,##0"
        if table.notes:
            sheet.append([])
            for note in table.notes:
                sheet.append([note])
        for index in range(1, len(table.headings) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 22 if index > 1 else 34
    # A cohort code or label like "=HYPERLINK(…)" stays text, never a live formula.
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    xlsx_cell(cell, cell.value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cells(row: list) -> list:
    # Money stays exact: openpyxl writes a Decimal as a number without float rounding.
    # A hidden figure is written as the marker (text), explained in the table's notes.
    return [MARKER if is_hidden(v) else "" if v is None else v for v in row]
