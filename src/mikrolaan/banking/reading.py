"""Reading a statement file: detect its format (camt.053 XML or CSV) and walk it with that
format's reader, checking the whole file before anything is written (``banking.parsing``)."""

import io
from collections.abc import Callable, Iterator
from typing import IO

from django.utils.translation import gettext

from mikrolaan.banking import camt053, csvfile
from mikrolaan.banking.parsing import EntryHook, ParsedEntry, ParsedFile, StatementError, Walk


def read_statement_file(
    file_name: str,
    content: bytes | bytearray | IO[bytes],
    *,
    account: str = "",
    each_entry: EntryHook | None = None,
) -> ParsedFile:
    """Read a camt.053 or CSV statement file; ``account`` names the account of a CSV file.

    ``content`` is the file's bytes or a seekable binary file object, read as a stream and
    never whole. The whole file is checked before this returns; ``each_entry(index,
    statement, entry)`` is called for every entry on the way (the statement's entries are not
    kept; its totals are complete only at the end). ``ParsedFile.entries()`` reads them again.
    """
    stream: IO[bytes] = io.BytesIO(content) if isinstance(content, bytes | bytearray) else content
    stream.seek(0)
    head = b""
    while not head and (chunk := stream.read(64 * 1024)):
        head = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")
    stream.seek(0)
    walk: Callable[[], Walk]
    if head[:1] == b"<":
        walk = lambda: camt053.walk(file_name, stream)  # noqa: E731
    elif not head.strip():
        raise StatementError(file_name, "", "", gettext("the file is empty"))
    else:
        walk = lambda: csvfile.walk(file_name, stream, account=account)  # noqa: E731
    parsed = _first_pass(walk(), each_entry)

    def reread() -> Iterator[tuple[int, ParsedEntry]]:
        stream.seek(0)
        for index, _statement, entry in walk():
            yield index, entry

    parsed.reread = reread
    return parsed


def _first_pass(walker: Walk, each_entry: EntryHook | None) -> ParsedFile:
    while True:
        try:
            index, statement, entry = next(walker)
        except StopIteration as stop:
            parsed: ParsedFile = stop.value
            return parsed
        if each_entry is not None:
            each_entry(index, statement, entry)
