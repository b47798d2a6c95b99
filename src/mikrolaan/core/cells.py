"""Cells that people open in a spreadsheet: text that looks like a formula stays text.

Excel and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, after a
tab or carriage return, the same) as a formula: ``=HYPERLINK(…)`` leaks data, ``=cmd|…`` runs a
program (CSV injection). Every export meant to be opened by people writes its text through here.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_text(value):
    """A value for a CSV file opened by people: a formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def xlsx_cell(cell, value):
    """Set an openpyxl cell so that text is always stored as text, never as a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
