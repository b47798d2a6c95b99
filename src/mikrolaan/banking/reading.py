"""Reading a statement file: detect its format (camt.053 XML or CSV) and walk it with that
format's reader, checking the whole file before anything is written (``banking.parsing``)."""

import dataclasses
import io
import operator
import pickle
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

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
    kept; its totals are complete only at the end). ``ParsedFile.entries()`` reads them again
    from a temporary file (``_Spool``), without parsing the file a second time.
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
    spool = _Spool()
    parsed = _first_pass(walk(), each_entry, spool)
    parsed.reread = spool.entries
    return parsed


def _first_pass(walker: Walk, each_entry: EntryHook | None, spool: "_Spool") -> ParsedFile:
    while True:
        try:
            index, statement, entry = next(walker)
        except StopIteration as stop:
            spool.close_writing()
            parsed: ParsedFile = stop.value
            return parsed
        if each_entry is not None:
            each_entry(index, statement, entry)
        spool.add(index, entry)


class _Spool:
    """The entries as read, kept in a temporary file (never in memory) for the second reading
    (``ParsedFile.entries()``): parsing the file again would cost as much as the first time.

    A batch of entries at a time is pickled, each entry as the tuple of its fields (pickling
    the slotted dataclass itself goes through Python for every entry); the file is private to
    this process (unnamed, removed when closed or collected) and read back only by it.
    """

    BATCH = 1000
    _fields = operator.attrgetter(*(f.name for f in dataclasses.fields(ParsedEntry)))

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile(prefix="mikrolaan-statement-")  # noqa: SIM115
        self.batch: list[tuple[int, tuple[Any, ...]]] = []

    def add(self, index: int, entry: ParsedEntry) -> None:
        self.batch.append((index, self._fields(entry)))
        if len(self.batch) >= self.BATCH:
            self._write()

    def _write(self) -> None:
        pickle.dump(self.batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.batch = []

    def close_writing(self) -> None:
        if self.batch:
            self._write()
        self.file.flush()

    def entries(self) -> Iterator[tuple[int, ParsedEntry]]:
        self.file.seek(0)
        while True:
            try:
                batch = pickle.load(self.file)  # noqa: S301 - written above by this process
            except EOFError:
                return
            for index, fields in batch:
                yield index, ParsedEntry(*fields)
