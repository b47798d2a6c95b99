"""Static files are collected and compressed once, and again only when a source changed.

Collecting and compressing the design system's 1,600 files takes a minute or more on a small
machine; doing it at every start made ``./dev start`` slow for nothing. The fingerprint is the
list of every source file with its size and modification time, kept beside the collected files.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command

FINGERPRINT_FILE = ".sources-fingerprint"


def sources_fingerprint() -> str:
    digest = hashlib.sha256()
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(ignore_patterns=[]):
            stat = Path(storage.path(path)).stat()
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def collected_is_current() -> bool:
    marker = Path(settings.STATIC_ROOT) / FINGERPRINT_FILE
    return marker.exists() and marker.read_text() == sources_fingerprint()


def collect_if_changed(*, stdout=None) -> bool:
    """Collect static files when a source changed since the last collection; True if it did."""
    fingerprint = sources_fingerprint()
    marker = Path(settings.STATIC_ROOT) / FINGERPRINT_FILE
    if marker.exists() and marker.read_text() == fingerprint:
        return False
    if stdout is not None:
        stdout.write("Samler og komprimerer statiske filer (første gang omkring et minut) …")
    call_command("collectstatic", interactive=False, verbosity=0)
    marker.write_text(fingerprint)
    return True
