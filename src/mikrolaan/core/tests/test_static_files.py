"""Static files are collected once and again only when a source changes."""

import os

import pytest
from django.test import override_settings

from mikrolaan.core import static_files


@pytest.fixture
def static_root(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(
        static_files, "call_command", lambda *a, **kw: calls.append(a) or None, raising=True
    )
    with override_settings(STATIC_ROOT=str(tmp_path)):
        yield tmp_path, calls


def test_collects_the_first_time_and_not_again(static_root):
    root, calls = static_root
    assert static_files.collect_if_changed() is True
    assert static_files.collect_if_changed() is False
    assert static_files.collected_is_current()
    assert len(calls) == 1


def test_collects_again_when_a_source_changes(static_root, settings):
    root, calls = static_root
    static_files.collect_if_changed()
    source = settings.SRC_DIR / "web" / "static"
    some_file = next(p for p in source.rglob("*") if p.is_file())
    stat = some_file.stat()
    try:
        os.utime(some_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert not static_files.collected_is_current()
        assert static_files.collect_if_changed() is True
    finally:
        os.utime(some_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert len(calls) == 2
