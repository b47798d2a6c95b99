"""The citizen's own pages (/borger/): thin views over ``scope``, ``requests`` and ``contact``.

Every page the citizen sees writes an audit record with the citizen as the actor.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log_by_citizen
from mikrolaan.loans.models import PAYMENT_KINDS, Loan
from mikrolaan.loans.summary import loan_summary
from mikrolaan.people.models import Citizen
from mikrolaan.progression.models import Questionnaire
from mikrolaan.selfservice import assessment, scope, session
from mikrolaan.selfservice.contact import update_own_contact
from mikrolaan.selfservice.forms import (
    ContactForm,
    DeferralRequestForm,
    ExtraPaymentRequestForm,
    SelfAssessmentForm,
)
from mikrolaan.selfservice.models import RequestKind
from mikrolaan.selfservice.progress import stage_text
from mikrolaan.selfservice.requests import (
    RequestError,
    can_ask,
    deferral_months_left,
    requests_of,
    submit_request,
)
from mikrolaan.selfservice.session import citizen_required


def _page(request: HttpRequest, citizen: Citizen, template: str, context: dict, **kw):
    return render(request, template, {"citizen": citizen, **context}, **kw)


@citizen_required
def home(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    cases = []
    for case in scope.cases_of(citizen):
        title, next_text = stage_text(case.stage)
        cases.append(
            {
                "case": case,
                "title": title,
                "next": next_text,
                "plan": list(scope.plan_of(case)),
                "conversations": list(scope.conversations_of(case)[:10]),
            }
        )
    loans = list(scope.loans_of(citizen))
    today = timezone.localdate()
    assessments = [assessment.overview(c["case"], today) for c in cases]
    log_by_citizen(citizen, Action.READ, obj=citizen, what="citizen's own start page")
    return _page(
        request,
        citizen,
        "selfservice/home.html",
        {
            "cases": cases,
            "assessments": [a for a in assessments if a.open or a.columns],
            "loans": loans,
            "requests": list(requests_of(citizen)[:10]),
            "letters": list(scope.letters_of(citizen)[:5]),
        },
    )


def _own_loan(citizen: Citizen, pk: int) -> Loan:
    return get_object_or_404(scope.loans_of(citizen), pk=pk)


@citizen_required
def loan(request: HttpRequest, pk: int, citizen: Citizen) -> HttpResponse:
    own = _own_loan(citizen, pk)
    log_by_citizen(citizen, Action.READ, obj=own, what=f"citizen's own loan page {own.loan_ref}")
    return _loan_page(request, citizen, own)


def _loan_page(request: HttpRequest, citizen: Citizen, own: Loan, forms=None, status=200):
    today = timezone.localdate()
    summary = loan_summary(own, today)
    reversed_ids = summary["reversed_ids"]
    payments = [
        {"entry": e, "reversed": e.pk in reversed_ids}
        for e in summary["entries"]
        if e.kind in PAYMENT_KINDS
    ]
    months_left = deferral_months_left(own) if own.disbursed_on else 0
    forms = forms or {}
    return _page(
        request,
        citizen,
        "selfservice/loan.html",
        {
            "loan": own,
            "s": summary,
            "payments": payments,
            "upcoming": [i for i in summary["plan"] if i["status"] != "paid"][:3],
            "requests": [r for r in requests_of(citizen) if r.loan_id == own.pk],
            "letters": [
                letter
                for letter in scope.letters_of(citizen)
                if letter.reference in ("", own.loan_ref)
            ],
            "can_ask": can_ask(own),
            "months_left": months_left,
            "deferral_form": forms.get("deferral") or DeferralRequestForm(months_left=months_left),
            "extra_form": forms.get("extra_payment") or ExtraPaymentRequestForm(),
        },
        status=status,
    )


@citizen_required
@require_POST
def ask(request: HttpRequest, pk: int, kind: str, citizen: Citizen) -> HttpResponse:
    own = _own_loan(citizen, pk)
    if kind not in RequestKind.values:
        raise Http404
    form: DeferralRequestForm | ExtraPaymentRequestForm
    if kind == RequestKind.DEFERRAL:
        form = DeferralRequestForm(request.POST, months_left=deferral_months_left(own))
    else:
        form = ExtraPaymentRequestForm(request.POST)
    if form.is_valid():
        try:
            asked = submit_request(
                citizen, own, kind=kind, on=timezone.localdate(), **form.cleaned_data
            )
        except RequestError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Thank you. The project leader will answer you here on your page.")
            )
            return redirect("selfservice:request", pk=asked.pk)
    log_by_citizen(citizen, Action.READ, obj=own, what=f"citizen's own loan page {own.loan_ref}")
    return _loan_page(request, citizen, own, forms={kind: form}, status=400)


@citizen_required
def request_detail(request: HttpRequest, pk: int, citizen: Citizen) -> HttpResponse:
    asked = get_object_or_404(requests_of(citizen), pk=pk)
    log_by_citizen(citizen, Action.READ, obj=asked, what="citizen's own request")
    return _page(request, citizen, "selfservice/request.html", {"asked": asked})


@citizen_required
def letter_pdf(request: HttpRequest, pk: int, citizen: Citizen) -> HttpResponse:
    letter = get_object_or_404(scope.letters_of(citizen), pk=pk)
    try:
        handle = Path(letter.pdf_path).open("rb")  # noqa: SIM115 - FileResponse closes it
    except OSError as exc:
        raise Http404 from exc
    log_by_citizen(citizen, Action.EXTRACT, obj=letter, what=f"citizen's own letter {letter.pk}")
    return FileResponse(handle, content_type="application/pdf", filename=f"brev-{letter.pk}.pdf")


@citizen_required
def contact(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            changed = update_own_contact(citizen, **form.cleaned_data)
            if changed:
                messages.success(request, _("Your contact details are saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("selfservice:home")
        status = 400
    else:
        form = ContactForm(
            initial={"phone": citizen.phone, "email": citizen.email, "address": citizen.address}
        )
        status = 200
    log_by_citizen(citizen, Action.READ, obj=citizen, what="citizen's own contact details")
    return _page(request, citizen, "selfservice/contact.html", {"form": form}, status=status)


@citizen_required
def self_assessment(request: HttpRequest, pk: int, point: str, citizen: Citizen) -> HttpResponse:
    """The citizen answers the questionnaire in force at an open point of their own case."""
    case = get_object_or_404(scope.cases_of(citizen), pk=pk)
    today = timezone.localdate()
    try:
        due = assessment.open_point(case, point, today)
    except assessment.NotOpen:
        messages.info(request, _("There is no self-assessment to answer there."))
        return redirect("selfservice:home")
    statements = Questionnaire.in_force(today).statements.order_by("position")
    form = SelfAssessmentForm(request.POST or None, statements=statements)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assessment.answer(citizen, case, point, form.scores(), today)
            except assessment.NotOpen:
                messages.info(request, _("There is no self-assessment to answer there."))
                return redirect("selfservice:home")
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Thank you for your answers. They are saved."))
                return redirect("selfservice:home")
        status = 400
    log_by_citizen(
        citizen, Action.READ, obj=case, what=f"citizen's own self-assessment form, {point}"
    )
    return _page(
        request,
        citizen,
        "selfservice/self_assessment.html",
        {"case": case, "point": due, "form": form},
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    citizen = session.citizen_of(request)
    if citizen is not None:
        log_by_citizen(citizen, Action.LOGOUT, what="signed out of the citizen's pages")
    session.end(request)
    messages.info(request, _("You are signed out. Close the browser if others use it."))
    return redirect("selfservice:home")
