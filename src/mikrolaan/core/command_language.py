"""The programme's commands explain themselves in Danish (issue 9: one language).

A command's own texts (``help`` and each argument's help) are English in the code and Danish
through gettext, like every other UI text. What neither the command nor we write — argparse's
frame ("usage:", "options", "show this help message and exit", its error messages) and the
help of the options Django adds to every command (``--verbosity``, ``--settings`` …) — is
translated here, once, for every command: ``install()`` is called by ``mikrolaan`` before it
runs a command (``mikrolaan.cli``).
"""

import argparse

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.translation import gettext, gettext_noop, ngettext

# argparse's own texts (Python 3.11+), looked up through our catalogue instead of the
# system's (there is no Danish argparse catalogue).
ARGPARSE_TEXTS = [
    gettext_noop("usage: "),
    gettext_noop("positional arguments"),
    gettext_noop("options"),
    gettext_noop("show this help message and exit"),
    gettext_noop("%(prog)s: error: %(message)s\n"),
    gettext_noop("the following arguments are required: %s"),
    gettext_noop("unrecognized arguments: %s"),
    gettext_noop("invalid choice: %(value)r (choose from %(choices)s)"),
    gettext_noop("argument %(argument_name)s: %(message)s"),
    gettext_noop("expected one argument"),
    gettext_noop("expected at least one argument"),
    gettext_noop("expected at most one argument"),
    gettext_noop("invalid %(type)s value: %(value)r"),
    gettext_noop("one of the arguments %s is required"),
    gettext_noop("not allowed with argument %s"),
    gettext_noop("ambiguous option: %(option)s could match %(matches)s"),
]


def _plural_texts():  # never called: shows makemessages argparse's one plural text
    return ngettext("expected %s argument", "expected %s arguments", 2)


# The help Django gives the options it adds to every command, by option.
DJANGO_OPTIONS = {
    "--version": gettext_noop("Show the program's version number and exit."),
    "--verbosity": gettext_noop(
        "How much to write: 0=least, 1=normal, 2=more, 3=everything there is"
    ),
    "--settings": gettext_noop(
        'The Python path of a settings module, e.g. "mikrolaan.settings.base"; without it '
        "the environment variable DJANGO_SETTINGS_MODULE is used."
    ),
    "--pythonpath": gettext_noop('A folder to add to the Python path, e.g. "/srv/mikrolaan".'),
    "--traceback": gettext_noop("Show the full stack trace when the command fails."),
    "--no-color": gettext_noop("No colours in the command's output."),
    "--force-color": gettext_noop("Colours in the command's output, also without a terminal."),
    "--skip-checks": gettext_noop("Skip the system checks."),
}
# Their placeholders, which argparse would take from the option's name ("SETTINGS").
DJANGO_METAVARS = {"--settings": gettext_noop("MODULE"), "--pythonpath": gettext_noop("FOLDER")}


def _argparse_gettext(message: str) -> str:
    # Django parses the command's name before its apps (and catalogues) are loaded.
    return gettext(message) if apps.ready else message


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    if apps.ready:
        return ngettext(singular, plural, n)
    return singular if n == 1 else plural


def parsers(parser: argparse.ArgumentParser):
    """The parser and the parsers of its subcommands, at every depth."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from parsers(sub)


def translate(parser: argparse.ArgumentParser, description) -> argparse.ArgumentParser:
    """Give ``parser`` the command's description as text (a lazy text cannot be formatted by
    argparse), its subcommands theirs, and Django's own options their Danish help."""
    if description:
        parser.description = str(description)
    for each in parsers(parser):
        for action in each._actions:
            if isinstance(action, argparse._SubParsersAction):
                # A subcommand's own help starts with what its parent says of it.
                for choice in action._choices_actions:
                    sub = action.choices[choice.dest]
                    sub.description = sub.description or (str(choice.help) if choice.help else None)
            for option in action.option_strings:
                if option in DJANGO_OPTIONS:
                    action.help = gettext(DJANGO_OPTIONS[option])
                if option in DJANGO_METAVARS:
                    action.metavar = gettext(DJANGO_METAVARS[option])
            if action.help and not isinstance(action.help, str):
                action.help = str(action.help)
    return parser


def install() -> None:
    """Translate every command's parser from now on (idempotent)."""
    if getattr(BaseCommand.create_parser, "translated", False):
        return
    create_parser = BaseCommand.create_parser

    def create_translated_parser(self, prog_name, subcommand, **kwargs):
        return translate(create_parser(self, prog_name, subcommand, **kwargs), self.help)

    create_translated_parser.translated = True
    BaseCommand.create_parser = create_translated_parser
    argparse._ = _argparse_gettext
    argparse.ngettext = _argparse_ngettext
