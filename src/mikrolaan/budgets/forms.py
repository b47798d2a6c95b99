from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from mikrolaan.budgets.calculations import Month
from mikrolaan.budgets.fields import KronerField, parse_amount
from mikrolaan.cases.view_helpers import StyledFormMixin, date_field

MONTHS_SHOWN = 12


def parse_lines(text: str) -> list[tuple[str, Decimal]]:
    """Lines of 'description; amount' into (label, amount), each error naming its line."""
    lines = []
    errors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        label, sep, amount_text = raw.rpartition(";")
        if not sep or not label.strip():
            errors.append(
                _("Line %(n)s: write the description, a semicolon and the amount.") % {"n": number}
            )
            continue
        try:
            amount = parse_amount(amount_text)
        except (InvalidOperation, ValueError):
            errors.append(
                _("Line %(n)s: “%(amount)s” is not an amount.")
                % {"n": number, "amount": amount_text.strip()}
            )
            continue
        if amount < 0:
            errors.append(_("Line %(n)s: the amount cannot be negative.") % {"n": number})
            continue
        lines.append((label.strip()[:200], amount))
    if errors:
        raise ValidationError(errors)
    return lines


def lines_text(lines) -> str:
    return "\n".join(
        f"{li.label}; {number_format(li.amount, 2, force_grouping=True)}" for li in lines
    )


LINES_HELP = _("One line each: description; amount in kroner. Example: Symaskine; 12.500")


def money(label, required=False):
    return KronerField(label=label, required=required)


class BudgetForm(StyledFormMixin, forms.Form):
    submitted_on = date_field(_("Submitted on"), initial=timezone.localdate)
    establishment = forms.CharField(
        label=_("Establishment budget"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=LINES_HELP,
    )
    own_funds = money(_("Own funds"))
    other_financing = money(_("Other financing"))
    income = forms.CharField(
        label=_("Operating budget: income per year"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=LINES_HELP,
    )
    costs = forms.CharField(
        label=_("Operating budget: costs per year"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=LINES_HELP,
    )
    opening_cash = money(_("Cash at the start of the liquidity budget"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_establishment(self):
        lines = parse_lines(self.cleaned_data["establishment"])
        if not lines:
            raise ValidationError(_("The establishment budget needs at least one line."))
        return lines

    def clean_income(self):
        return parse_lines(self.cleaned_data["income"])

    def clean_costs(self):
        return parse_lines(self.cleaned_data["costs"])


class MonthForm(StyledFormMixin, forms.Form):
    loan = money(_("Loan"))
    own_funds = money(_("Own funds"))
    sales = money(_("Sales"))
    living_costs = money(_("Living costs and private withdrawals"))
    costs = money(_("Business costs"))

    def is_blank(self) -> bool:
        return all(self.cleaned_data.get(f) in (None, "") for f in self.fields)

    def month(self) -> Month:
        zero = Decimal("0.00")
        return Month(**{f: self.cleaned_data.get(f) or zero for f in self.fields})


MonthFormSet = forms.formset_factory(MonthForm, extra=0, min_num=MONTHS_SHOWN, max_num=36)


def months_from(formset) -> list[Month]:
    """The months entered, without the blank months at the end."""
    forms_ = list(formset.forms)
    while forms_ and forms_[-1].is_blank():
        forms_.pop()
    return [f.month() for f in forms_]


def initial_from(version):
    """Form and month initial values copied from an earlier version (for a resubmission)."""
    if version is None:
        return {}, []
    lines = list(version.lines.all())
    initial = {
        "establishment": lines_text(li for li in lines if li.kind == "establishment"),
        "income": lines_text(li for li in lines if li.kind == "income"),
        "costs": lines_text(li for li in lines if li.kind == "cost"),
        "own_funds": version.own_funds,
        "other_financing": version.other_financing,
        "opening_cash": version.opening_cash,
    }
    months = [
        {
            "loan": m.loan or None,
            "own_funds": m.own_funds or None,
            "sales": m.sales or None,
            "living_costs": m.living_costs or None,
            "costs": m.costs or None,
        }
        for m in version.months.all()
    ]
    return initial, months
