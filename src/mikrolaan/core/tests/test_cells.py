from openpyxl import Workbook, load_workbook

from mikrolaan.core.cells import csv_text, xlsx_cell


def test_formula_like_text_is_neutralised_for_csv():
    assert csv_text("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert csv_text("@SUM(A1)") == "'@SUM(A1)"
    assert csv_text("Jensen") == "Jensen"
    assert csv_text(-5) == -5


def test_formula_like_text_stays_text_in_xlsx(tmp_path):
    wb = Workbook()
    xlsx_cell(wb.active["A1"], '=HYPERLINK("//e.vl")')
    wb.save(tmp_path / "x.xlsx")
    cell = load_workbook(tmp_path / "x.xlsx").active["A1"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("//e.vl")'
