"""``mikrolaan export --pseudonymised`` gives evaluators data without CPR numbers or names."""

import pytest
from django.core.management import CommandError, call_command

from mikrolaan.people.models import Citizen

pytestmark = pytest.mark.django_db


def test_export_pseudonymised_writes_no_cpr_and_no_names(review_bundle, tmp_path):
    call_command("import", str(review_bundle))
    key = tmp_path / "key"
    key.write_bytes(b"k" * 40)
    call_command("export", str(tmp_path / "out"), pseudonymised=True, key_file=str(key))
    text = "\n".join(p.read_text() for p in (tmp_path / "out").rglob("*.csv"))
    assert "people.csv" in {p.name for p in (tmp_path / "out").rglob("*.csv")}
    for citizen in Citizen.objects.all():
        if citizen.cpr:
            assert citizen.cpr not in text
        if citizen.last_name:
            assert citizen.last_name not in text


def test_export_pseudonymised_needs_a_key(tmp_path):
    with pytest.raises(CommandError, match="--key-file"):
        call_command("export", str(tmp_path / "out"), pseudonymised=True)
