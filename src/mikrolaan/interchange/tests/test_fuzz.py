"""Fuzzing the importer: whatever the bytes, it either imports or lists errors; no traceback."""

import zipfile

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mikrolaan.interchange.services import BundleError, import_bundle
from mikrolaan.interchange.tests.conftest import GOOD, write_files

pytestmark = pytest.mark.django_db

NAMES = sorted(GOOD)
CELLS = st.one_of(
    st.sampled_from(["", "M3", "P1", "L1", "2014-02-30", "9999-12-31", "0", "-5", "1e3",
                     "12.345", "0101801001", "3102801234", "dropped_out", "x" * 300,
                     "\x00", '"', "\n", "self_supporting_job", "Ω", "2013-06-20"]),
    st.text(max_size=12),
)  # fmt: skip


class _Rollback(Exception):
    pass


def attempt(folder):
    """Import inside a savepoint that is rolled back, so examples do not pile up."""
    try:
        with transaction.atomic():
            try:
                import_bundle(folder)
            except BundleError as exc:
                assert exc.problems, "a rejected bundle names at least one problem"
                for problem in exc.problems:
                    assert str(problem).startswith(problem.file)
            raise _Rollback
    except _Rollback:
        pass


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_csv_never_crashes(tmp_path_factory, data):
    files = {name: GOOD[name] for name in NAMES}
    for _ in range(data.draw(st.integers(1, 4))):
        name = data.draw(st.sampled_from(NAMES))
        lines = files[name].split("\n")
        line = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["cell", "drop", "dup", "swap"]))
        cells = lines[line].split(",")
        if action == "cell":
            cells[data.draw(st.integers(0, len(cells) - 1))] = data.draw(CELLS)
            lines[line] = ",".join(cells)
        elif action == "drop":
            del lines[line]
        elif action == "dup":
            lines.insert(line, lines[line])
        else:
            lines[line] = ",".join(reversed(cells))
        files[name] = "\n".join(lines)
    if data.draw(st.booleans()):
        files.pop(data.draw(st.sampled_from(NAMES)))
    attempt(write_files(tmp_path_factory.mktemp("fuzz"), files))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(NAMES + ["other.csv"]), blob=st.binary(max_size=300))
def test_random_bytes_never_crash(tmp_path_factory, name, blob):
    files = dict(GOOD)
    files[name] = blob
    attempt(write_files(tmp_path_factory.mktemp("bytes"), files))


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(blob=st.binary(max_size=200))
def test_random_zip_never_crashes(tmp_path_factory, blob):
    folder = tmp_path_factory.mktemp("zip")
    path = folder / "bundle.zip"
    if blob[:1] == b"\x00":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("people.csv", blob)
    else:
        path.write_bytes(blob)
    attempt(path)
