"""``mikrolaan fund --format text``: the fund's figures as lines in the reader's language, with
the labels and number forms of the fund page (the JSON output stays the interchange format)."""

from django.utils.translation import gettext as _

from mikrolaan.core.formatting import money, number, short_date
from mikrolaan.loans.fund import Fund


def fund_lines(fund: Fund) -> list[str]:
    rows = [
        (_("Loans granted"), number(fund.loans_granted), money(fund.capital_granted)),
        (_("Capital paid out"), number(fund.loans_paid_out), money(fund.paid_out)),
        (_("Repaid"), "", money(fund.repaid)),
        (_("Outstanding"), "", money(fund.outstanding)),
        (_("of which with state debt collection"), "", money(fund.in_collection)),
        (_("Written off"), "", money(fund.written_off)),
        (_("Fees"), "", money(fund.fees)),
        (
            _("Portfolio at risk over 30 days"),
            "",
            f"{number(fund.portfolio_at_risk_30_percent, 1)} %",
        ),
    ]
    width = max(len(label) for label, _count, _amount in rows)
    lines = [f"{_('The revolving fund')} {short_date(fund.as_of)}"]
    lines += [f"{label:<{width}} {count:>8} {amount:>18}" for label, count, amount in rows]
    lines.append("")
    lines.append(_("Ageing of arrears"))
    head = (_("Days past due"), _("Loans"), _("Arrears"), _("Outstanding"))
    lines.append(f"{head[0]:<{width}} {head[1]:>8} {head[2]:>18} {head[3]:>18}")
    for row in fund.ageing:
        lines.append(
            f"{row['bucket']:<{width}} {number(row['loans']):>8} "
            f"{money(row['arrears']):>18} {money(row['outstanding']):>18}"
        )
    total = _("Total")
    lines.append(f"{total:<{width}} {number(fund.loans_in_arrears):>8} {money(fund.arrears):>18}")
    return lines
