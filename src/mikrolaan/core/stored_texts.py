"""Texts stored in English before the programme spoke Danish, shown in the reader's language.

Append-only rows (ledger entries, case events) keep what they hold; an app registers how to
read an old text of its own, by its form, and the pages show it through ``|stored_text``::

    @stored_texts.reader(r"Bank statement (?P<id>\\S+), (?P<place>.+)")
    def old_bank_reason(match): ...

A text no reader knows is shown as stored, its amounts in the Danish form.
"""

import re
from collections.abc import Callable

_READERS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = []


Reader = Callable[[re.Match[str]], str]


def reader(pattern: str) -> Callable[[Reader], Reader]:
    def decorator(func: Reader) -> Reader:
        _READERS.append((re.compile(pattern), func))
        return func

    return decorator


def readable(text) -> str:
    from mikrolaan.core.formatting import reformat_amounts

    text = "" if text is None else str(text)
    for pattern, func in _READERS:
        if match := pattern.fullmatch(text):
            return str(func(match))
    return reformat_amounts(text)
