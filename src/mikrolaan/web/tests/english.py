"""Find English in text that should be Danish: pages (``crawl.py``) and command help.

Two nets: the catalogues' English texts of three words or more that are translated into other
Danish words (seen in Danish output, they were not translated), and single English words
common in user interfaces and in English prose. The word list leaves out words that are
Danish too ("Status", "Plan", "Budget", "Total", "screening", "for", "to", "at", "by",
"Log ind") and codes; it matches whole words only, so "Status" or "Mikrolån" never trip it.
"""

import re
from pathlib import Path

import mikrolaan

# English words a Danish page or help text never holds as words of its own.
ENGLISH_WORDS = frozenset(
    """
    the of with and or from your you this that these which when where what been has will
    would should must only into each every than there their are was were is not none yes
    true false null
    save cancel delete edit back next previous search submit close open add remove create
    update view details home settings help login logout sign page file files upload download
    export report reports show hide more less new all loading please error warning required
    optional default reset continue confirm done yes no ok
    loan loans payment payments repayment repayments date dates amount amounts name names
    user users case cases citizen citizens decision decisions approve approved reject
    rejected refuse refused deferral deferrals reminder reminders arrears paid unpaid
    overdue due task tasks letters queue day days month months year years week weeks today
    yesterday tomorrow referral referrals course courses cohort cohorts unit units
    role roles reason reasons approval approvals payout payouts balance instalment
    instalments written off outstanding repaid active granted collection path
    username number account address port workers seed
    """.split()  # noqa: SIM905 (a block of words reads better than a list)
) - {"ok"}  # "OK" is Danish too

# A few words above that appear in Danish text as Danish words or as names, and English terms
# Danish uses as they are.
ALLOWED = frozenset({"balance", "port", "is", "no"})
_DANISH_TOO = re.compile(r"\bopen source\b", re.I)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Not prose: options and commands ("--as-of", "`servicing letters`"), file names, URLs, codes.
_NOT_PROSE = re.compile(
    r"`[^`]*`|--?[\w-]+|\S+\.(?:zip|csv|pdf|json|xlsx)\b|https?://\S+|\S+@\S+"
    r"|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"  # constants and variables: DJANGO_SETTINGS_MODULE
    r"|\w+(?:\.\w+)+|(?<!\w)/[\w/.-]+"  # dotted names and paths: mikrolaan.settings.base
)


def english_msgids() -> list[str]:
    """English texts of the catalogues that are translated into other Danish words: seen in a
    page, they were not translated. Only texts of several words (single words are caught by
    ``ENGLISH_WORDS``; names are the same in both languages)."""
    found = set()
    pattern = re.compile(r'^msgid "(.*)"\nmsgstr "(.*)"$', re.M)
    for po in Path(mikrolaan.__file__).parent.glob("*/locale/da/LC_MESSAGES/django.po"):
        for english, danish in pattern.findall(po.read_text(encoding="utf-8")):
            if (
                english
                and danish
                and english != danish
                and "%" not in english
                and "{" not in english
                and len(english.split()) >= 3
            ):
                found.add(english.replace('\\"', '"'))
    return sorted(found)


def english_words(text: str) -> list[str]:
    """The English words of ``text`` (each once, in order)."""
    found = {}
    for word in _WORD.findall(_NOT_PROSE.sub(" ", _DANISH_TOO.sub(" ", text))):
        lower = word.lower()
        if lower in ENGLISH_WORDS and lower not in ALLOWED:
            found.setdefault(word, None)
    return list(found)


def english_in(text: str, msgids: list[str]) -> list[str]:
    """What in ``text`` is English: catalogue texts, then single words."""
    problems = [f"English: {msgid!r}" for msgid in msgids if msgid in text]
    problems += [f"English word: {word!r}" for word in english_words(text)]
    return problems
