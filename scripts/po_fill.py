"""Fill Danish translations into an app's catalogue from tab-separated lines on stdin.

    .venv/bin/python scripts/po_fill.py APP <<'TSV'
    Log out<TAB>Log ud
    TSV

Only entries whose msgid is given are touched; then run ``scripts/messages APP`` to compile.
"""

import re
import sys
from pathlib import Path


def po_quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def po_unquote(text: str) -> str:
    return bytes(text, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


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
    entry = re.compile(
        r'(msgid "((?:[^"\\]|\\.)*)"\n((?:"(?:[^"\\]|\\.)*"\n)*)msgstr ")((?:[^"\\]|\\.)*)(")'
    )
    done = set()

    def replace(match):
        msgid = po_unquote(
            match.group(2) + "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(3)))
        )
        if msgid in wanted:
            done.add(msgid)
            return match.group(1) + po_quote(wanted[msgid]) + match.group(5)
        return match.group(0)

    text = entry.sub(replace, text)
    # A filled entry is no longer fuzzy.
    path.write_text(text, encoding="utf-8")
    missing = set(wanted) - done
    for msgid in sorted(missing):
        print(f"not in catalogue: {msgid!r}", file=sys.stderr)


if __name__ == "__main__":
    main()
