"""What a bundle may not bring in: names and codes that a spreadsheet would run as a formula,
files past the limits, symbolic links and paths outside the bundle. Each refusal lists the
reason as ``file:line: column: why`` (or ``file: why``) and changes nothing."""

import io
import os
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from mikrolaan.interchange.services import BundleError, export_bundle, import_bundle
from mikrolaan.interchange.tests.conftest import GOOD, write_files
from mikrolaan.interchange.tests.test_import import snapshot

pytestmark = pytest.mark.django_db

FORMULA = "må ikke begynde med =, +, -, @, et tabulatortegn eller et linjeskift"
CODE = "må kun indeholde bogstaver, cifre, '-', '_', '.' og mellemrum"


def problems_of(path):
    before = snapshot()
    with pytest.raises(BundleError) as caught:
        import_bundle(path)
    assert snapshot() == before  # nothing changed
    return [str(p) for p in caught.value.problems]


def _with(**replacements) -> dict[str, str]:
    files = dict(GOOD)
    for name, (old, new) in replacements.items():
        name = name.replace("_csv", ".csv")
        assert old in files[name]
        files[name] = files[name].replace(old, new)
    return files


def test_names_that_start_like_a_formula_are_refused(tmp_path):
    files = _with(
        people_csv=("P1,010180-1001,Jens,Jensen", "P1,010180-1001,=cmd|' /C calc'!A0,Jensen")
    )
    files["people.csv"] = files["people.csv"].replace(
        "P2,,Anne,Hansen,,1975,F,,", 'P2,,Anne,"=HYPERLINK(""//e.vl"")",,1975,F,,@SUM(A1)'
    )
    problems = problems_of(write_files(tmp_path / "b", files))
    assert problems == [
        f"people.csv:2: first_name: {FORMULA} (et regneark ville læse det som en formel)",
        f"people.csv:3: last_name: {FORMULA} (et regneark ville læse det som en formel)",
        f"people.csv:3: unit: {FORMULA} (et regneark ville læse det som en formel)",
    ]


def test_cohort_codes_keep_to_the_safe_characters(tmp_path):
    files = _with(cohorts_csv=("M3,2013", "=1+1,2013"), loans_csv=("L1,P1,M3", "L1,P1,M3;x"))
    problems = problems_of(write_files(tmp_path / "b", files))
    assert f"cohorts.csv:2: code: {CODE} og skal begynde med et bogstav eller et ciffer" in (
        problems
    )
    assert f"loans.csv:2: cohort_code: {CODE} og skal begynde med et bogstav eller et ciffer" in (
        problems
    )


def test_ordinary_names_and_codes_still_import(tmp_path):
    files = _with(
        cohorts_csv=("M3,2013", "Hold Å-2.1_b,2013"),
        people_csv=("P1,010180-1001,Jens,Jensen", "P1,010180-1001,Søren-Ole,O'Hara"),
    )
    for name in ("participations.csv", "loans.csv"):
        files[name] = files[name].replace(",M3,", ",Hold Å-2.1_b,")
    import_bundle(write_files(tmp_path / "b", files))


def test_the_command_prints_the_refusal_in_the_usual_frame(tmp_path):
    files = _with(people_csv=("P1,010180-1001,Jens,", "P1,010180-1001,Jens,+45 calc"))
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(write_files(tmp_path / "b", files)), stderr=stderr)
    assert f"people.csv:2: last_name: {FORMULA}" in stderr.getvalue()


def test_the_bundle_keeps_exact_values_of_older_data(tmp_path, django_user_model):
    """Data from before the rule are exported exactly; the rule applies at input."""
    from mikrolaan.people.models import Citizen

    import_bundle(write_files(tmp_path / "b", GOOD))
    Citizen.objects.filter(person_ref="P2").update(first_name="=2+3")
    export_bundle(tmp_path / "out")
    assert "P2,,=2+3,Hansen" in (tmp_path / "out" / "people.csv").read_text()


# --- limits --------------------------------------------------------------------------------


def _zip(path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _good_members() -> dict[str, bytes]:
    return {name: text.encode() for name, text in GOOD.items()}


def test_a_zip_above_the_unpacked_size_limit_is_refused_before_reading(tmp_path):
    members = _good_members()
    members["people.csv"] += b"P9,,Ole,Olsen,,1970,M,,\n" * 60_000  # 1.3 MB
    path = _zip(tmp_path / "big.zip", members, zipfile.ZIP_STORED)
    with override_settings(BUNDLE_MAX_UNPACKED_BYTES=1024 * 1024):
        problems = problems_of(path)
    assert problems == [
        "big.zip: filerne fylder 1,3 MB udpakket; grænsen er 1 MB "
        "(MIKROLAAN_BUNDLE_MAX_UNPACKED_MB)"
    ]


def test_a_zip_with_too_many_members_is_refused(tmp_path):
    members = _good_members() | {f"extra{n}.txt": b"" for n in range(5)}
    with override_settings(BUNDLE_MAX_MEMBERS=10):
        problems = problems_of(_zip(tmp_path / "many.zip", members))
    assert problems == [
        "many.zip: indeholder 11 filer; grænsen er 10 (MIKROLAAN_BUNDLE_MAX_MEMBERS)"
    ]


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    members = _good_members()
    members["people.csv"] += b"\n" * (4 * 1024 * 1024)  # blank lines pack ~1000 to 1
    problems = problems_of(_zip(tmp_path / "bomb.zip", members))
    assert len(problems) == 1
    assert problems[0].startswith("people.csv: er pakket ")
    assert problems[0].endswith("gange sammen; grænsen er 100 (MIKROLAAN_BUNDLE_MAX_RATIO)")


def test_a_zip_member_outside_the_bundle_is_refused(tmp_path):
    members = _good_members() | {"../people.csv": b"person_ref\n"}
    problems = problems_of(_zip(tmp_path / "out.zip", members))
    assert problems == ["../people.csv: ligger uden for pakkens mappe"]


def test_a_folder_with_a_symbolic_link_is_refused_and_the_target_never_read(tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    files = dict(GOOD)
    del files["people.csv"]
    folder = write_files(tmp_path / "b", files)
    os.symlink(secret, folder / "people.csv")
    problems = problems_of(folder)
    assert problems == [
        "people.csv: er et symbolsk link; en pakkemappe indeholder kun almindelige filer "
        "(ikke læst)"
    ]
    assert not any("root" in p for p in problems)


def test_a_folder_linking_to_a_folder_outside_is_refused(tmp_path):
    outside = write_files(tmp_path / "elsewhere", {"people.csv": GOOD["people.csv"]})
    files = dict(GOOD)
    del files["people.csv"]
    folder = write_files(tmp_path / "b", files)
    os.symlink(outside, folder / "more")
    assert problems_of(folder) == [
        "more: er et symbolsk link; en pakkemappe indeholder kun almindelige filer (ikke læst)"
    ]


def test_a_folder_above_the_size_limit_is_refused(tmp_path):
    folder = write_files(tmp_path / "b", GOOD)
    with override_settings(BUNDLE_MAX_UNPACKED_BYTES=100):
        problems = problems_of(folder)
    size = sum(len(text.encode()) for text in GOOD.values())
    assert problems == [
        f"b: filerne fylder {size} B udpakket; grænsen er 100 B (MIKROLAAN_BUNDLE_MAX_UNPACKED_MB)"
    ]
