"""Charts of the report as inline SVG (no chart library): the same markup in the browser and
in the PDF."""

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from mikrolaan.core.suppression import MARKER, is_hidden, marked
from mikrolaan.reports.services import REPAYMENT_BANDS, SIZE_BANDS
from mikrolaan.reports.tables import thousands

BLUE = "#004993"
# From red (little repaid) to green (repaid in full), readable in greyscale too.
BAND_COLOURS = ["#b51d09", "#e4772c", "#f2c744", "#7fb2d8", "#358000"]
FONT = "'IBM Plex Sans', Arial, sans-serif"  # an attribute: the CSP allows no style=""


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text put into the markup goes through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _text(x, y, text, *, size=12, anchor="start", weight="normal", fill="#1a1a1a") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}">{escape(str(text))}</text>'
    )


def loan_sizes(report: dict) -> SafeString:
    """Bars: the open loans by size band (Table 6)."""
    sizes = report["open_loan_sizes"]
    labels = {
        "<20000": _("under 20.000"),
        "20000-29999": "20.000–29.999",
        "30000-39999": "30.000–39.999",
        "40000-49999": "40.000–49.999",
        "50000+": "50.000+",
    }
    width, height, left, bottom, top = 560, 260, 40, 50, 20
    counts = [sizes["bands"][b] for b in SIZE_BANDS]
    # A hidden count gets no bar (its height would give it away) and the scale is set by the
    # shown counts only.
    peak = max([n for n in counts if not is_hidden(n)] + [1])
    slot = (width - left - 10) / len(counts)
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        'stroke="#747474"/>'
    ]
    for i, (band, n) in enumerate(zip(SIZE_BANDS, counts, strict=True)):
        bar = 0 if is_hidden(n) else (height - bottom - top) * n / peak
        x = left + i * slot + slot * 0.15
        y = height - bottom - bar
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar:.1f}" '
            f'fill="{BLUE}"/>'
        )
        body.append(_text(x + slot * 0.35, y - 5, n, anchor="middle", weight="bold"))
        body.append(
            _text(x + slot * 0.35, height - bottom + 18, labels[band], size=11, anchor="middle")
        )
    body.append(
        _text(
            left + (width - left) / 2,
            height - 8,
            _("Loan amount in kr. (loans not repaid in full)"),
            size=11,
            anchor="middle",
            fill="#555",
        )
    )
    return _svg(width, height, body, _("Size of the loans not repaid in full"))


def repayment_bands(report: dict) -> SafeString:
    """Stacked bars: each cohort's borrowers by repayment rate (Table 8)."""
    cohorts = report["cohorts"]
    row_h, left, right, top = 34, 60, 20, 50
    width = 560
    height = top + row_h * max(len(cohorts), 1) + 30
    body = []
    # Legend.
    x = left
    for band, colour in zip(REPAYMENT_BANDS, BAND_COLOURS, strict=True):
        body.append(f'<rect x="{x}" y="8" width="14" height="14" fill="{colour}"/>')
        body.append(_text(x + 18, 20, f"{band} %", size=11))
        x += 92
    span = width - left - right
    for i, c in enumerate(cohorts):
        y = top + i * row_h
        body.append(_text(left - 8, y + row_h * 0.6, c["cohort"], anchor="end", weight="bold"))
        if is_hidden(c["borrowers"]):
            body.append(_text(left + 4, y + row_h * 0.6, MARKER, size=11))
            continue
        total = c["borrowers"] or 1
        x = left
        hidden = 0
        for band, colour in zip(REPAYMENT_BANDS, BAND_COLOURS, strict=True):
            n = c["repayment_bands"][band]
            if is_hidden(n):
                hidden += 1
                continue
            if not n:
                continue
            w = span * n / total
            body.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}" '
                f'fill="{colour}" stroke="#fff"/>'
            )
            body.append(
                _text(
                    x + w / 2,
                    y + row_h * 0.6,
                    n,
                    size=11,
                    anchor="middle",
                    weight="bold",
                    fill="#fff" if band in ("0-24", "100") else "#1a1a1a",
                )
            )
            x += w
        if hidden:
            # The hidden bands together, in grey: their sum is the cohort minus the shown bands.
            w = left + span - x
            body.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}" '
                'fill="#bfbfbf" stroke="#fff"/>'
            )
            body.append(_text(x + w / 2, y + row_h * 0.6, MARKER, size=11, anchor="middle"))
    body.append(
        _text(
            left,
            height - 8,
            _("Share of each cohort's borrowers by how much of the loan they have repaid"),
            size=11,
            fill="#555",
        )
    )
    return _svg(width, height, body, _("Repayment rate per cohort"))


def self_support(report: dict) -> SafeString:
    """Bars: days self-supporting since the course ended, per cohort (Table 5)."""
    cohorts = report["cohorts"]
    row_h, left, right, top = 34, 60, 230, 16
    width = 620
    height = top + row_h * max(len(cohorts), 1) + 30
    peak = max(
        [c["self_supporting_days"] for c in cohorts if not is_hidden(c["self_supporting_days"])]
        + [1]
    )
    span = width - left - right
    body = []
    for i, c in enumerate(cohorts):
        y = top + i * row_h
        days = c["self_supporting_days"]
        w = 0 if is_hidden(days) else span * days / peak
        body.append(_text(left - 8, y + row_h * 0.6, c["cohort"], anchor="end", weight="bold"))
        body.append(
            f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}" fill="#358000"/>'
        )
        label = _("%(days)s days · %(n)s of %(of)s · ⌀ %(mean)s") % {
            "days": thousands(c["self_supporting_days"]),
            "n": str(c["self_supporting"]),
            "of": str(c["borrowers"]),
            "mean": thousands(c["self_supporting_days_mean"]),
        }
        body.append(_text(left + w + 6, y + row_h * 0.6, label, size=11))
    body.append(
        _text(
            left,
            height - 8,
            _("Days self-supporting since the course ended, for those self-supporting on the date"),
            size=11,
            fill="#555",
        )
    )
    return _svg(width, height, body, _("Days self-supporting per cohort"))


def all_charts(report: dict) -> dict[str, SafeString]:
    report = marked(report)
    return {
        "loan_sizes": loan_sizes(report),
        "repayment_bands": repayment_bands(report),
        "self_support": self_support(report),
    }
