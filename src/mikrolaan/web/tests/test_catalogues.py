"""Every app's Danish catalogue is complete, and its compiled .mo says what the .po says."""

import gettext
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(SRC.glob("*/locale/da/LC_MESSAGES/django.po"))
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), text)


def _entries(po: Path):
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().split("\n")
        fields: dict[str, list[str]] = {}
        current = None
        flags = ""
        for line in lines:
            if line.startswith("#,"):
                flags = line
            elif line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[", "msgctxt ")):
                current = line.split(" ", 1)[0]
                fields[current] = _STRING.findall(line)
            elif line.startswith('"') and current:
                fields[current] += _STRING.findall(line)
        if "msgid" in fields:
            yield {k: _unquote("".join(v)) for k, v in fields.items()}, flags


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 5


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_translated_and_compiled(po):
    compiled = gettext.GNUTranslations(po.with_suffix(".mo").open("rb"))
    problems = []
    for entry, flags in _entries(po):
        msgid = entry["msgid"]
        if not msgid:
            continue
        if "fuzzy" in flags:
            problems.append(f"fuzzy: {msgid!r}")
        if "msgid_plural" in entry:
            if not entry.get("msgstr[0]") or not entry.get("msgstr[1]"):
                problems.append(f"untranslated plural: {msgid!r}")
            continue
        if not entry.get("msgstr"):
            problems.append(f"untranslated: {msgid!r}")
        elif "msgctxt" not in entry and compiled.gettext(msgid) != entry["msgstr"]:
            problems.append(f"not compiled: {msgid!r} (run scripts/messages)")
    assert not problems, "\n".join(problems)


def test_one_english_text_has_one_danish_text_across_apps():
    """Django merges the catalogues, first app first: two apps translating the same text
    differently means one of them shows the other's word. Use pgettext for a different sense."""
    seen: dict[str, dict[str, str]] = {}
    for po in CATALOGUES:
        for entry, _flags in _entries(po):
            if entry["msgid"] and "msgctxt" not in entry and "msgid_plural" not in entry:
                seen.setdefault(entry["msgid"], {})[po.parts[-5]] = entry.get("msgstr", "")
    clashes = {m: apps for m, apps in seen.items() if len(set(apps.values())) > 1}
    assert not clashes, "\n".join(f"{m!r}: {apps}" for m, apps in clashes.items())
