"""The insight as files: JSON (the full record) and a PDF a citizen can read (WeasyPrint).

File names carry the date, never the CPR number: ``mikrolaan-indsigt-2026-12-01.json`` and
``.pdf`` (with ``-2``, ``-3`` … when the folder already holds that day's files).
"""

import datetime as dt
import io
import json
import logging
import os
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import models
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.people.models import Citizen
from mikrolaan.privacy import insight

FILE_STEM = "mikrolaan-indsigt"

# Parts shown in the PDF as a compact table of the columns a citizen needs (the JSON has every
# field); the other parts list each record's fields.
TABLES: dict[str, list[str]] = {
    "case_events": ["occurred_on", "kind", "summary", "why"],
    "repayment_plan": ["loan_id", "first_month", "instalments", "amount"],
    "ledger_entries": ["loan_id", "value_date", "kind", "amount", "debt_delta", "source", "why"],
    "budget_lines": ["version_id", "kind", "label", "amount"],
    "liquidity_months": [
        "version_id",
        "month",
        "loan",
        "own_funds",
        "sales",
        "living_costs",
        "costs",
    ],
    "letters": ["created_at", "kind", "subject", "status", "pdf_path"],
    "access_log": ["at", "by", "action", "what", "why"],
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def to_json(data: dict) -> bytes:
    """UTF-8, keys sorted so two insights of the same data compare line by line."""
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


# --- the PDF -----------------------------------------------------------------------------


def _kr(text: str) -> str:
    amount = Decimal(text)
    whole, _sep, ore = f"{abs(amount):.2f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{'-' if amount < 0 else ''}{grouped},{ore}\u00a0kr."  # kept on one line


def _display(value, field: models.Field | None, money: bool = False) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict) and "role_label" in value:
        who = value["role_label"] or _("Staff")
        return f"{who} ({value['name']})" if value.get("name") else who
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if money or isinstance(field, models.DecimalField):
        return _kr(value)
    if isinstance(value, str) and _DATETIME.match(value):
        moment = dt.datetime.fromisoformat(value)
        return moment.strftime("%d.%m.%Y\u00a0%H:%M")
    if isinstance(value, str) and _DATE.match(value):
        return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
    return str(value)


def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    """Row key → model field (``case_id`` and ``case`` both → the ``case`` field)."""
    found = {}
    for f in model._meta.concrete_fields:
        found[f.name] = f
        found[f.attname] = f
    return found


_EXTRA_LABELS = {
    "id": gettext_lazy("number"),
    "first_month": gettext_lazy("First month"),
    "instalments": gettext_lazy("Instalments"),
    "amount": gettext_lazy("Amount per instalment"),
    "planned_before": gettext_lazy("Planned before"),
    "at": gettext_lazy("Time"),
    "by": gettext_lazy("Who (role)"),
    "action": gettext_lazy("Kind of access"),
    "what": gettext_lazy("What"),
    "why": gettext_lazy("Why"),
}
# Keys of the repayment plan that are kroner (the stored plan is in øre).
_MONEY_KEYS = {"amount", "planned_before"}


def _label(key: str, fields: dict[str, models.Field], section: str) -> str:
    field = fields.get(key)
    if key == "id":
        label = str(_EXTRA_LABELS["id"])
    elif field is None or (section in ("repayment_plan", "access_log") and key in _EXTRA_LABELS):
        label = str(_EXTRA_LABELS.get(key, key))
    elif field.is_relation and key == field.attname:
        label = f"{_(str(field.verbose_name))} ({_EXTRA_LABELS['id']})"
    else:
        # A field without a translated name (``created_at``) may still be in a catalogue.
        label = _(str(field.verbose_name))
    return label[:1].upper() + label[1:]


def _cells(row: dict, keys: list[str], fields: dict[str, models.Field], section: str) -> list[str]:
    cells = []
    for key in keys:
        if row.get(f"{key}_label"):
            cells.append(str(row[f"{key}_label"]))
            continue
        if section == "access_log" and key == "by" and row.get(key) is None:
            cells.append(_("The system (the daily run, an import or a command)"))
            continue
        money = section == "repayment_plan" and key in _MONEY_KEYS
        cells.append(_display(row.get(key), fields.get(key), money=money))
    return cells


def _part(key: str, title: str, rows: list[dict], model) -> dict:
    fields = _fields(model) if model is not None else {}
    if key in TABLES:
        columns = TABLES[key]
        return {
            "key": key,
            "title": title,
            "count": len(rows),
            "headers": [_label(c, fields, key) for c in columns],
            "rows": [_cells(row, columns, fields, key) for row in rows],
        }
    records = []
    for row in rows:
        keys = [k for k in row if not k.endswith("_label")]
        labels = [_label(k, fields, key) for k in keys]
        records.append(list(zip(labels, _cells(row, keys, fields, key), strict=True)))
    return {"key": key, "title": title, "count": len(rows), "records": records}


def pdf_context(data: dict) -> dict:
    with translation.override("da"):
        titles = insight.titles()
        models_by_key = {s.key: s.model for s in insight.SECTIONS}
        person = _part("citizen", "", [data["citizen"]], Citizen)["records"][0]
        parts = [
            _part(key, titles[key], data[key], models_by_key[key])
            for key in titles
            if data.get(key)
        ]
        access = _part(
            "access_log", _("Who has seen or changed your data"), data["access_log"], None
        )
    return {
        "data": data,
        "citizen": data["citizen"],
        "name": f"{data['citizen']['first_name']} {data['citizen']['last_name']}".strip(),
        "person": person,
        "parts": parts,
        "empty": [titles[key] for key in titles if not data.get(key)],
        "access": access,
        "produced": dt.datetime.fromisoformat(data["produced_at"]),
        "names_shown": data["staff_names"] == "name",
    }


def to_pdf(data: dict) -> bytes:
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # imported late: it loads fonts and takes a moment

    with translation.override("da"):
        html = render_to_string("privacy/insight_pdf.html", pdf_context(data))
    return HTML(string=html).write_pdf()


# --- files -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Files:
    json: bytes
    pdf: bytes
    stem: str

    def zip(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{self.stem}.json", self.json)
            archive.writestr(f"{self.stem}.pdf", self.pdf)
        return buffer.getvalue()


def render(data: dict, day: dt.date) -> Files:
    return Files(json=to_json(data), pdf=to_pdf(data), stem=f"{FILE_STEM}-{day.isoformat()}")


def free_stem(directory: Path, stem: str) -> str:
    """``stem``, or ``stem-2``, ``stem-3`` … so an earlier insight in the folder is kept."""
    candidate, n = stem, 1
    while (directory / f"{candidate}.json").exists() or (directory / f"{candidate}.pdf").exists():
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def _write_private(path: Path, content: bytes) -> None:
    """Create the file readable by its owner only (0600) — it holds personal data."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    path.chmod(0o600)  # whatever the umask made of it


def write(files: Files, directory: Path) -> list[Path]:
    """Write the two files into ``directory`` (created 0700 if it does not exist)."""
    if not directory.exists():
        directory.mkdir(parents=True, mode=0o700)
        directory.chmod(0o700)
    stem = free_stem(directory, files.stem)
    paths = [directory / f"{stem}.pdf", directory / f"{stem}.json"]
    _write_private(paths[0], files.pdf)
    _write_private(paths[1], files.json)
    return paths
