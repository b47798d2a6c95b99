from pathlib import Path

from django.core.management import call_command

from mikrolaan.settings.env import ENVIRONMENT

DOC = Path(__file__).resolve().parents[4] / "docs" / "configuration.md"


def test_configuration_doc_is_generated_from_the_declared_variables(capsys):
    call_command("settings_doc")
    generated = capsys.readouterr().out
    assert DOC.read_text() == generated, "run: mikrolaan settings_doc > docs/configuration.md"
    for name in ENVIRONMENT:
        assert f"`{name}`" in generated
