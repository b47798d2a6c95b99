"""Bank statements cannot exhaust the server: a size limit, streamed reading, batched lookups,
and web uploads refused as soon as they pass the limit. Every refusal changes nothing."""

import datetime as dt
import io
import secrets
import socket
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from mikrolaan.banking import services
from mikrolaan.banking.models import BankEntry, Statement, StatementFile
from mikrolaan.banking.samples import Payment, camt053, csv_statement, pay
from mikrolaan.jobs.testing import run_waiting_jobs
from mikrolaan.loans.models import LedgerEntry

pytestmark = pytest.mark.django_db


def _nothing_imported():
    return (
        StatementFile.objects.count() == 0
        and Statement.objects.count() == 0
        and BankEntry.objects.count() == 0
    )


MB = 1024 * 1024


def _padded(content: bytes, size: int) -> bytes:
    """The statement grown to ``size`` bytes with blank lines after the XML (still valid)."""
    return content + b"\n" * (size - len(content))


def test_a_statement_above_the_size_limit_is_refused_unread(loan):
    content = camt053([pay(loan, "100.00")])
    ledger_before = LedgerEntry.objects.count()
    with override_settings(BANK_STATEMENT_MAX_BYTES=MB):
        result = services.import_statement_file("big.xml", _padded(content, MB + 1))
        assert result.status == services.ImportStatus.REJECTED
        assert result.error == "filen er større end grænsen på 1 MB for et kontoudtog"
        assert _nothing_imported() and LedgerEntry.objects.count() == ledger_before
        # At the limit the file is read.
        assert services.import_statement_file("ok.xml", _padded(content, MB)).posted == 1


def test_the_command_refuses_a_file_above_the_limit(tmp_path, loan):
    path = tmp_path / "big.xml"
    path.write_bytes(_padded(camt053([pay(loan, "100.00")]), MB + 1))
    stderr = io.StringIO()
    with override_settings(BANK_STATEMENT_MAX_BYTES=MB), pytest.raises(CommandError):
        call_command("bank", "import", str(path), stderr=stderr)
    assert "større end grænsen på 1 MB" in stderr.getvalue()
    assert _nothing_imported()


def test_a_large_statement_is_looked_up_in_batches(loan_factory, monkeypatch):
    """More entries and loans than one batch (the 200 MB file's "too many SQL variables")."""
    monkeypatch.setattr(services, "BATCH", 3)
    loans = [loan_factory() for _ in range(4)]
    payments = [pay(loan, "10.00") for loan in loans] + [Payment(Decimal("1.00"))] * 4
    content = camt053(payments, statement_id="S-BATCH")
    result = services.import_statement_file("batch.xml", content)
    assert result.posted == 4 and result.queued_total == 4
    # The same entries in another file (another statement id, same bank references) are
    # recognised through the batched lookup as already imported.
    again = services.import_statement_file("batch2.xml", content.replace(b"<Id>S-BATCH", b"<Id>X"))
    assert again.status == services.ImportStatus.ALREADY_IMPORTED


def test_an_entry_twice_in_one_file_is_written_once_across_batches(loan, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 2)
    twice = pay(loan, "10.00", bank_ref="SAME-REF")
    others = [Payment(Decimal("1.00")) for _ in range(3)]
    result = services.import_statement_file("dup.xml", camt053([twice, *others, twice]))
    assert result.posted == 1 and result.queued_total == 3
    assert result.skipped == {"already_imported": 1}
    assert BankEntry.objects.count() == 4


def test_a_csv_statement_is_read_from_a_file_object(tmp_path, loan):
    content = csv_statement([("25-11-2026", "100,00", f"Indbetaling 71/{loan.payment_id}")])
    path = tmp_path / "nov.csv"
    path.write_bytes(content)
    with path.open("rb") as stream:
        result = services.import_statement_file("nov.csv", stream, account="DK50")
    assert result.posted == 1
    assert result.statements[0].period_from == dt.date(2026, 11, 25)


# --- web uploads ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size",
    [
        512 * 1024 + 1,  # announced within the envelope: counted as it arrives
        2 * 512 * 1024,  # announced above the limit: refused at the file's first byte
    ],
)
@override_settings(UPLOAD_MAX_BYTES=512 * 1024)
def test_an_upload_above_the_limit_is_refused_with_the_limit_named(client, finance_clerk, size):
    client.force_login(finance_clerk)
    upload = SimpleUploadedFile("big.csv", b"x" * size)
    response = client.post(reverse("banking:upload"), {"file": upload, "account": "DK50"})
    assert response.status_code == 413
    html = response.content.decode()
    assert "Filen er større end grænsen på 0,5 MB for en upload; intet er importeret." in html
    assert "Dette felt er påkrævet" not in html
    assert _nothing_imported()


def test_an_upload_within_the_limit_is_imported(client, finance_clerk, loan):
    client.force_login(finance_clerk)
    content = camt053([pay(loan, "100.00")])
    with override_settings(UPLOAD_MAX_BYTES=len(content)):
        response = client.post(
            reverse("banking:upload"), {"file": SimpleUploadedFile("ok.xml", content)}
        )
    assert response.status_code == 302
    assert BankEntry.objects.count() == 0  # the worker imports it
    run_waiting_jobs()
    assert BankEntry.objects.count() == 1


def _read_response(sock) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data or b"</html>" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


@pytest.mark.django_db(transaction=True)
@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_the_live_server_answers_before_an_oversized_body_has_arrived(
    live_server, client, finance_clerk
):
    """A real request announcing 50 MB: the answer comes after the first 256 kB, while the
    client has not sent (and never sends) the rest. (The server reads the body in chunks of
    64 kB, so it needs that much to see the file begin.)"""
    client.force_login(finance_clerk)
    session = client.cookies["sessionid"].value
    token = secrets.token_hex(16)  # 32 characters: a CSRF secret the form repeats
    boundary = "----mikrolaan"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{token}\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="huge.xml"\r\n'
        "Content-Type: text/xml\r\n\r\n"
    ).encode()
    announced = 50 * 1024 * 1024
    host, port = live_server.thread.host, live_server.thread.port
    with socket.create_connection((host, port), timeout=20) as sock:
        sock.sendall(
            (
                f"POST {reverse('banking:upload')} HTTP/1.1\r\n"
                f"Host: {host}:{port}\r\n"
                f"Cookie: sessionid={session}; csrftoken={token}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {announced}\r\n\r\n"
            ).encode()
            + head
            + b"<" * (256 * 1024)
        )
        response = _read_response(sock)
    status_line = response.split(b"\r\n", 1)[0]
    assert b" 413 " in status_line, response[:500]
    assert "grænsen på 1 MB".encode() in response
    assert _nothing_imported()


def test_entries_are_not_kept_in_memory_but_read_again_from_a_temporary_file(loan, monkeypatch):
    import io

    from mikrolaan.banking import reading
    from mikrolaan.banking.reading import read_statement_file

    monkeypatch.setattr(reading._Spool, "BATCH", 2)  # two batches and a rest
    content = camt053(
        [pay(loan, "10.00"), *(Payment(Decimal(n)) for n in ("2.00", "3.00", "4.00", "5.00"))]
    )
    stream = io.BytesIO(content)
    seen = []
    parsed = read_statement_file("s.xml", stream, each_entry=lambda i, s, e: seen.append(e))
    assert not hasattr(parsed.statements[0], "entries")
    assert parsed.statements[0].entry_count == 5
    stream.close()  # the second reading does not parse the file again
    first = [entry for _index, entry in parsed.entries()]
    assert first == seen == [entry for _index, entry in parsed.entries()]
    assert [e.amount for e in first] == [Decimal(n) for n in ("10", "2", "3", "4", "5")]
