"""Danish camt.053 and CSV statements built from loans, for tests and the demo.

    camt053([pay(loan, "1200.00"), Payment(Decimal("50.00"))], statement_id="2026-11-25-001")

writes a statement where each payment is a credit with ``<Ref>71/<payment ID></Ref>`` in the
creditor reference, as a Danish bank delivers FI-card (+71) payments.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from mikrolaan.loans.models import Loan

ACCOUNT = "DK5000400440116243"
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"


@dataclass
class Payment:
    amount: Decimal
    reference: str | None = None  # the creditor reference, e.g. "71/106548702380495"
    text: str = ""
    currency: str = "DKK"
    credit: bool = True
    reversal: bool = False
    booked: dt.date = dt.date(2026, 11, 25)
    bank_ref: str | None = ""  # "" = made up from the statement and position; None = none
    end_to_end_id: str = ""
    debtor: str = "Kirsten Nørgaard"
    status: str = "BOOK"


def pay(loan: Loan | None, amount: str, *, payment_id: str | None = None, **kwargs: Any) -> Payment:
    """A +71 payment to ``loan`` (or to ``payment_id`` when given)."""
    pid = payment_id if payment_id is not None else (loan.payment_id if loan else None)
    reference = kwargs.pop("reference", f"71/{pid}" if pid else None)
    return Payment(Decimal(amount), reference=reference, **kwargs)


def camt053(
    payments: list[Payment],
    *,
    statement_id: str = "2026-11-25-001",
    account: str = ACCOUNT,
    version: str = "02",
    opening: Decimal = Decimal("100000.00"),
    created: str = "",
    day: dt.date | None = None,
) -> bytes:
    """A camt.053 statement of one day (``day``, else the first payment's booking date)."""
    day = day or (payments[0].booked if payments else dt.date(2026, 11, 25))
    created = created or f"{day.isoformat()}T18:00:00"
    new_status = int(version) >= 8  # <Sts><Cd>BOOK</Cd></Sts> from .08 on
    closing = opening + sum(
        (p.amount if p.credit else -p.amount) for p in payments if p.status == "BOOK"
    )
    entries = []
    for n, p in enumerate(payments, 1):
        bank_ref = "" if p.bank_ref is None else (p.bank_ref or f"{statement_id}-{n:04d}")
        status = f"<Sts><Cd>{p.status}</Cd></Sts>" if new_status else f"<Sts>{p.status}</Sts>"
        strd = (
            f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Prtry>71</Prtry></CdOrPrtry></Tp>"
            f"<Ref>{escape(p.reference)}</Ref></CdtrRefInf></Strd>"
            if p.reference
            else ""
        )
        ustrd = f"<Ustrd>{escape(p.text)}</Ustrd>" if p.text else ""
        rmtinf = f"<RmtInf>{ustrd}{strd}</RmtInf>" if (ustrd or strd) else ""
        party = (
            f"<RltdPties><Dbtr><Pty><Nm>{escape(p.debtor)}</Nm></Pty></Dbtr></RltdPties>"
            if new_status
            else f"<RltdPties><Dbtr><Nm>{escape(p.debtor)}</Nm></Dbtr></RltdPties>"
        )
        e2e = p.end_to_end_id or "NOTPROVIDED"
        entries.append(
            f"""
      <Ntry>
        <NtryRef>{n}</NtryRef>
        <Amt Ccy="{p.currency}">{p.amount:.2f}</Amt>
        <CdtDbtInd>{"CRDT" if p.credit else "DBIT"}</CdtDbtInd>
        {"<RvslInd>true</RvslInd>" if p.reversal else ""}
        {status}
        <BookgDt><Dt>{p.booked.isoformat()}</Dt></BookgDt>
        <ValDt><Dt>{p.booked.isoformat()}</Dt></ValDt>
        {f"<AcctSvcrRef>{bank_ref}</AcctSvcrRef>" if bank_ref else ""}
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>{escape(e2e)}</EndToEndId></Refs>
          {party}
          {rmtinf}
        </TxDtls></NtryDtls>
      </Ntry>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{NAMESPACE.format(version=version)}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-{statement_id}</MsgId><CreDtTm>{created}</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{statement_id}</Id>
      <CreDtTm>{created}</CreDtTm>
      <FrToDt><FrDtTm>{day}T00:00:00</FrDtTm><ToDtTm>{day}T23:59:59</ToDtTm></FrToDt>
      <Acct><Id><IBAN>{account}</IBAN></Id><Ccy>DKK</Ccy><Nm>Aarhus Kommune, Mikrolån</Nm></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="DKK">{opening:.2f}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="DKK">{closing:.2f}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>{"".join(entries)}
    </Stmt>
  </BkToCstmrStmt>
</Document>
""".encode()


def csv_statement(
    rows: list[tuple[str, ...]], *, delimiter: str = ";", header: str | None = None
) -> bytes:
    """A bank CSV export: rows of (date, amount, text[, more columns]) written as given."""
    head = header or delimiter.join(["Dato", "Beløb", "Tekst"])
    lines = [head]
    for cells in rows:
        lines.append(delimiter.join(f'"{c}"' if delimiter in c or '"' in c else c for c in cells))
    return ("\n".join(lines) + "\n").encode()
