"""The programme's commands answer in Danish, and refuse plainly what cannot work."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db
def test_import_of_a_missing_folder_says_only_that(tmp_path):
    err = StringIO()
    with pytest.raises(CommandError, match="1 fejl"):
        call_command("import", str(tmp_path / "nowhere"), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines == [f"{tmp_path / 'nowhere'}: mappen eller .zip-filen findes ikke"]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_report_refuses_binary_on_a_terminal_before_building_anything(monkeypatch, fmt):
    import sys

    from mikrolaan.reports.management.commands import report

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(report, "build_report", lambda *a, **k: pytest.fail("built a report"))
    with pytest.raises(CommandError, match=f"Angiv -o FIL for formatet {fmt}"):
        call_command("report", "--as-of", "2026-12-31", "--format", fmt)


@pytest.mark.django_db
def test_funnel_and_economics_text_are_danish():
    out = StringIO()
    call_command("funnel", "--as-of", "2026-11-02", "--format", "text", stdout=out)
    text = out.getvalue()
    assert text.startswith("Tragten pr. 02.11.2026\n")
    assert "Henvist" in text and "I alt" in text and "Funnel" not in text
    out = StringIO()
    call_command("economics", "--as-of", "2026-11-02", "--format", "text", stdout=out)
    text = out.getvalue()
    assert text.startswith("Økonomisk gevinst pr. 02.11.2026 (kroner)")
    assert "FORUDSÆTNINGER:" in text and "ASSUMPTIONS" not in text
