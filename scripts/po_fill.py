"""Fill Danish translations into an app's catalogue from tab-separated lines on stdin.

    .venv/bin/python scripts/po_fill.py APP <<'TSV'
    Log out<TAB>Log ud
    TSV

Only entries whose msgid is given are touched; a filled entry loses its ``fuzzy`` flag (which
makemessages sets on new strings that resemble old ones, and which keeps them out of the
compiled catalogue). Run ``scripts/messages APP`` afterwards to compile.
"""

import re
import sys
from pathlib import Path

_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def po_quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def po_unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), text)


def _field(lines: list[str], keyword: str) -> tuple[int, int, str] | None:
    """(first line, end line, value) of a ``msgid``/``msgstr`` field in an entry."""
    for i, line in enumerate(lines):
        if line.startswith(keyword + " "):
            j = i + 1
            while j < len(lines) and lines[j].startswith('"'):
                j += 1
            value = "".join(_STRING.findall(" ".join(lines[i:j])))
            return i, j, value
    return None


def fill(text: str, wanted: dict[str, str]) -> tuple[str, set[str]]:
    done = set()
    blocks = text.split("\n\n")
    for n, block in enumerate(blocks):
        lines = block.split("\n")
        msgid = _field(lines, "msgid")
        msgstr = _field(lines, "msgstr")
        if not msgid or not msgstr or _field(lines, "msgid_plural"):
            continue
        english = po_unquote(msgid[2])
        if english not in wanted or not english:
            continue
        start, end, _old = msgstr
        lines[start:end] = [f'msgstr "{po_quote(wanted[english])}"']
        lines = [line for line in lines if not line.startswith("#|")]
        lines = [
            line.replace("#, fuzzy, ", "#, ") if line.startswith("#, fuzzy, ") else line
            for line in lines
            if line != "#, fuzzy"
        ]
        blocks[n] = "\n".join(lines)
        done.add(english)
    return "\n\n".join(blocks), done


def main() -> None:
    app = sys.argv[1]
    path = Path("src/mikrolaan") / app / "locale/da/LC_MESSAGES/django.po"
    wanted = {}
    for line in sys.stdin.read().splitlines():
        if "\t" in line:
            english, danish = line.split("\t", 1)
            wanted[english] = danish
    text = path.read_text(encoding="utf-8")
    text = text.replace('#, fuzzy\nmsgid ""\nmsgstr ""', 'msgid ""\nmsgstr ""', 1)
    text, done = fill(text, wanted)
    path.write_text(text, encoding="utf-8")
    for msgid in sorted(set(wanted) - done):
        print(f"not in catalogue: {msgid!r}", file=sys.stderr)


if __name__ == "__main__":
    main()
