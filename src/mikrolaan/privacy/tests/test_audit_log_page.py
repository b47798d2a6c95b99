"""Finding: nobody could answer "who has looked at this citizen?" without SQL."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.services import change_role
from mikrolaan.accounts.tests.factories import UnitFactory, UserFactory
from mikrolaan.audit import services as audit_services
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.audit.services import log, log_list, log_read
from mikrolaan.cases.tests.factories import referred_case
from mikrolaan.people.tests.factories import CitizenFactory
from mikrolaan.privacy.audit_log import queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(db):
    return UserFactory(username="dpo", role=Role.DATA_PROTECTION_OFFICER, first_name="Dorte")


@pytest.fixture
def as_dpo(client, dpo):
    client.force_login(dpo)
    return client


def _lookup_citizen(client, citizen, **period):
    response = client.post(
        reverse("audit:index"),
        {"lookup": "citizen", "citizen-cpr": citizen.cpr_display, **period},
    )
    assert response.status_code == 302, response.content.decode()
    assert citizen.cpr[:6] not in response.url
    return client.get(response.url), response.url


def _at(days_ago: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_the_dpo_finds_who_read_a_citizen_in_the_last_month(
    as_dpo, dpo, client, knowledge_person, benefits_caseworker, unit
):
    case = referred_case(unit=unit)
    log_read(knowledge_person, case)
    log_list(benefits_caseworker, [case.citizen], what="case list")
    old_reader = UserFactory(username="old-reader", role=Role.PROJECT_LEADER)
    AuditRecord.objects.create(
        at=_at(45), user=old_reader, action=Action.READ, citizen=case.citizen
    )
    page, _url = _lookup_citizen(as_dpo, case.citizen)
    readers = {row["user"] for row in page.context["who_saw"]}
    assert knowledge_person.pk in readers and benefits_caseworker.pk in readers
    assert old_reader.pk not in readers
    html = page.content.decode()
    assert knowledge_person.username in html and "Vidensperson" in html
    # the DPO's own look is in the log too
    own = AuditRecord.objects.get(user=dpo, citizen=case.citizen, action=Action.READ)
    assert own.role == Role.DATA_PROTECTION_OFFICER and "data protection officer" in own.what


def test_a_wider_period_shows_older_reads(as_dpo, unit):
    case = referred_case(unit=unit)
    old_reader = UserFactory(username="old-reader", role=Role.PROJECT_LEADER)
    AuditRecord.objects.create(
        at=_at(45), user=old_reader, action=Action.READ, citizen=case.citizen
    )
    since = (timezone.localdate() - dt.timedelta(days=60)).isoformat()
    page, _url = _lookup_citizen(
        as_dpo,
        case.citizen,
        **{"citizen-since": since, "citizen-until": timezone.localdate().isoformat()},
    )
    assert old_reader.pk in {row["user"] for row in page.context["who_saw"]}


def test_an_unknown_or_invalid_cpr_gets_a_danish_error(as_dpo):
    response = as_dpo.post(
        reverse("audit:index"), {"lookup": "citizen", "citizen-cpr": "310275-1234"}
    )
    assert response.status_code == 200
    assert "findes ikke" in response.content.decode()
    response = as_dpo.post(
        reverse("audit:index"), {"lookup": "citizen", "citizen-cpr": "140375-1000"}
    )
    assert "Der er ingen borger med CPR-nummeret 140375-1000" in response.content.decode()
    assert not AuditRecord.objects.exclude(action=Action.LOGIN).exists()


def test_only_the_dpo_may_use_the_page(client, project_leader, manager):
    for user in (project_leader, manager):
        client.force_login(user)
        assert client.get(reverse("audit:index")).status_code == 403
        assert client.get(reverse("audit:patterns")).status_code == 403


def test_a_token_is_kept_per_session(as_dpo, unit, client):
    case = referred_case(unit=unit)
    _page, url = _lookup_citizen(as_dpo, case.citizen)
    other = UserFactory(username="dpo2", role=Role.DATA_PROTECTION_OFFICER)
    client.force_login(other)  # a new session
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("audit:index")


def test_a_role_change_is_on_the_page_of_the_user_it_changed(as_dpo, dpo):
    admin = UserFactory(username="admin", role=Role.ADMINISTRATOR)
    person = UserFactory(username="kirsten", role=Role.JOB_CONSULTANT, unit=UnitFactory())
    change_role(person, role=Role.PROJECT_LEADER, unit=None, acting_user=admin, why="ny stilling")
    response = as_dpo.post(reverse("audit:index"), {"lookup": "user", "user-user": person.pk})
    assert response.status_code == 302
    page = as_dpo.get(response.url)
    (record,) = [r for r in page.context["records"] if r.action == Action.CHANGE]
    assert record.user == admin and "role job_consultant -> project_leader" in record.what
    html = page.content.decode()
    assert "ny stilling" in html and "Ændret" in html


def test_what_a_user_looked_at(as_dpo, knowledge_person, unit):
    cases = [referred_case(unit=unit) for _ in range(3)]
    log_list(knowledge_person, [c.citizen for c in cases], what="case list")
    log_read(knowledge_person, cases[0])  # seen again later: still three citizens
    response = as_dpo.post(
        reverse("audit:index"), {"lookup": "user", "user-user": knowledge_person.pk}
    )
    page = as_dpo.get(response.url)
    assert page.context["citizens_seen"] == 3
    html = page.content.decode()
    assert all(c.citizen.full_name in html for c in cases)


def test_unusual_patterns_on_a_constructed_example(as_dpo, settings, monkeypatch):
    settings.AUDIT_READS_THRESHOLD = 3
    settings.AUDIT_WORKDAY_START, settings.AUDIT_WORKDAY_END = 7, 18
    small_unit = UnitFactory(code="lille")
    CitizenFactory(unit=small_unit)
    strangers = [CitizenFactory() for _ in range(4)]
    snooper = UserFactory(username="snooper", role=Role.KNOWLEDGE_PERSON, unit=small_unit)
    steady = UserFactory(username="steady", role=Role.PROJECT_LEADER)
    busy = UserFactory(username="busy", role=Role.PROJECT_LEADER)
    night_owl = UserFactory(username="night-owl", role=Role.BENEFITS_CASEWORKER)
    weekday = timezone.localdate() - dt.timedelta(days=1)
    while weekday.isoweekday() > 5:
        weekday -= dt.timedelta(days=1)
    days_ago = (timezone.localdate() - weekday).days
    # The lists were read in working hours, whenever the test runs (an evening run made every
    # reader "outside working hours").
    in_working_hours = _at(days_ago, 10)
    with monkeypatch.context() as m:
        m.setattr(audit_services.timezone, "now", lambda: in_working_hours)
        log_list(snooper, strangers[:2], what="case list")  # 2 citizens, the unit has 1
        log_list(steady, strangers[:3], what="case list")  # 3: at the threshold, not over
        log_list(busy, strangers, what="case list")  # 4: over
    AuditRecord.objects.bulk_create(
        [
            AuditRecord(
                at=_at(days_ago, 22), user=night_owl, action=Action.READ, citizen=strangers[0]
            ),
            AuditRecord(
                at=_at(days_ago, 6), user=night_owl, action=Action.READ, citizen=strangers[1]
            ),
            AuditRecord(
                at=_at(days_ago, 10), user=steady, action=Action.READ, citizen=strangers[0]
            ),
            AuditRecord(
                at=_at(days_ago, 23), user=steady, action=Action.CHANGE, citizen=strangers[0]
            ),  # a change, not a read
        ]
    )
    period = queries.Period.last_days()
    heavy = {row["user__username"]: row for row in queries.reading_more_than_expected(period)}
    assert set(heavy) == {"snooper", "busy"}
    assert heavy["snooper"]["limit"] == 1 and heavy["snooper"]["citizens"] == 2
    assert heavy["busy"]["limit"] == 3
    after = {r["user__username"]: r for r in queries.reading_outside_working_hours(period)}
    assert set(after) == {"night-owl"} and after["night-owl"]["records"] == 2

    page = as_dpo.get(reverse("audit:patterns"))
    html = page.content.decode()
    assert "snooper" in html and "night-owl" in html and "steady" not in html


def test_the_export_holds_the_records_and_keeps_formulas_as_text(as_dpo, knowledge_person, unit):
    case = referred_case(unit=unit)
    log(knowledge_person, Action.READ, citizen=case.citizen, what='=HYPERLINK("x")')
    _page, url = _lookup_citizen(as_dpo, case.citizen)
    token = url.split("?s=")[1]
    response = as_dpo.get(reverse("audit:export", args=["csv"]), {"s": token})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Tidspunkt", "Bruger", "Brugernavn", "Rolle", "Handling"]
    mine = [r for r in rows if r[2] == knowledge_person.username]
    assert '\'=HYPERLINK("x")' in [r[8] for r in mine]
    assert case.citizen.cpr_display in mine[0]

    response = as_dpo.get(reverse("audit:export", args=["xlsx"]), {"s": token})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("x")']
    assert cells and cells[0].data_type == "s"
    assert AuditRecord.objects.filter(action=Action.EXTRACT, citizen=case.citizen).count() == 2


def test_a_user_working_in_the_browser_and_the_shell_is_one_row(unit, knowledge_person):
    from mikrolaan.audit import context

    case = referred_case(unit=unit)
    log_read(knowledge_person, case)
    with context.origin(context.Origin(channel="shell", os_user="drift", command="mikrolaan x")):
        log_read(knowledge_person, case)
        log(None, Action.EXTRACT, citizen=case.citizen, what="bundle")
    rows = queries.who_saw(case.citizen, queries.Period.last_days())
    mine = [r for r in rows if r["user"] == knowledge_person.pk]
    assert len(mine) == 1 and mine[0]["seen"] == 2
    assert [r["name"] for r in rows if r["user"] is None] == ["drift"]
