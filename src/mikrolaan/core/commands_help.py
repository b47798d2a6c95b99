"""``mikrolaan help``: the programme's own commands, grouped by the task they serve.

Django's built-in commands (``startproject``, ``testserver`` …) are listed only by
``mikrolaan help django``; ``mikrolaan help COMMAND`` shows one command's options.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

GROUPS = [
    (
        gettext_lazy("Getting started"),
        [
            ("demo", gettext_lazy("load the demo programme (never on a production database)")),
            ("demo logins", gettext_lazy("show the demo programme's log-ins again")),
            ("serve", gettext_lazy("run the web server")),
            ("worker", gettext_lazy("run the background jobs (bank statements …) beside it")),
            ("migrate", gettext_lazy("create or update the database")),
            ("check --deploy", gettext_lazy("check the production settings")),
            ("settings_doc", gettext_lazy("print every setting and its environment variable")),
            ("set_role", gettext_lazy("give a user a role and unit (recorded in the audit log)")),
        ],
    ),
    (
        gettext_lazy("Every bank day"),
        [
            ("servicing run", gettext_lazy("the daily servicing run: arrears, reminders, tasks")),
            ("bank import", gettext_lazy("import bank statements (camt.053, CSV)")),
            ("collection", gettext_lazy("receipts and payments from Gældsstyrelsen")),
            ("letters", gettext_lazy("the letters outbox")),
            (
                "assessment_reminders",
                gettext_lazy("letters to citizens whose self-assessment is due (also in the run)"),
            ),
        ],
    ),
    (
        gettext_lazy("Loans and the fund"),
        [
            ("loans show", gettext_lazy("one loan: terms, plan, transactions, arrears")),
            ("fund", gettext_lazy("the revolving fund")),
        ],
    ),
    (
        gettext_lazy("Data in and out"),
        [
            ("import", gettext_lazy("import an interchange bundle, all or nothing")),
            ("export", gettext_lazy("export the programme's data as an interchange bundle")),
            ("research_export", gettext_lazy("pseudonymised bundle for research")),
            ("api-client", gettext_lazy("register the systems that may call the API")),
        ],
    ),
    (
        gettext_lazy("Evidence and reports"),
        [
            ("report", gettext_lazy("the review's chapter-7 tables for a date")),
            ("funnel", gettext_lazy("from referral to borrower, with dropouts")),
            ("economics", gettext_lazy("public support saved against the programme's cost")),
        ],
    ),
    (
        gettext_lazy("Data protection"),
        [
            (
                "citizen-insight",
                gettext_lazy("everything held on one citizen, for their right of access"),
            ),
            (
                "retention run",
                gettext_lazy("anonymise case data that is due, delete old audit records"),
            ),
        ],
    ),
    (
        gettext_lazy("Measuring"),
        [("bench", gettext_lazy("benchmarks on a generated portfolio (separate database)"))],
    ),
]


def programme_help() -> str:
    lines = [_("Mikrolån — the programme's commands:"), ""]
    width = max(len(name) for _title, commands in GROUPS for name, _text in commands)
    for title, commands in GROUPS:
        lines.append(f"{title}:")
        for name, text in commands:
            lines.append(f"  mikrolaan {name.ljust(width)}  {text}")
        lines.append("")
    lines.append(_("'mikrolaan help COMMAND' shows a command's options."))
    lines.append(_("'mikrolaan help django' lists Django's own commands as well."))
    return "\n".join(lines)
