"""Every programme command's ``--help`` is Danish: its description, every argument's help and
placeholder, and argparse's and Django's own texts around them (issue 9: one language)."""

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from django.core.management.base import BaseCommand

from mikrolaan.core import command_language
from mikrolaan.core.commands_help import GROUPS
from mikrolaan.web.tests.english import english_in, english_msgids, english_words

MIKROLAAN = Path(sys.executable).with_name("mikrolaan")
# The programme's own commands; Django's (``migrate``, ``check``) keep their own help texts.
PROGRAMME = sorted(
    name
    for name in {name.split()[0] for _title, commands in GROUPS for name, _text in commands}
    if get_commands()[name].startswith("mikrolaan.")
)


def shown_texts(parser: argparse.ArgumentParser) -> list[str]:
    """The words a reader of ``--help`` gets, apart from the command and option names."""
    texts = [parser.description or ""]
    for group in parser._action_groups:
        texts.append(group.title or "")
    for action in parser._actions:
        if action.help and action.help != argparse.SUPPRESS:
            texts.append(action.help % {"default": action.default, "prog": parser.prog})
        if action.choices is None and action.nargs != 0:
            # argparse's placeholder without a metavar: the option's name ("AS_OF")
            texts.append(str(action.metavar or action.dest).replace("_", " "))
    return texts


@pytest.fixture(scope="module")
def msgids():
    return english_msgids()


@pytest.fixture
def danish_commands(monkeypatch):
    """What ``mikrolaan`` installs, undone after the test (other tests see Django's own)."""
    monkeypatch.setattr(BaseCommand, "create_parser", BaseCommand.create_parser)
    monkeypatch.setattr(argparse, "_", argparse._)
    monkeypatch.setattr(argparse, "ngettext", argparse.ngettext)
    command_language.install()


@pytest.mark.parametrize("name", PROGRAMME)
def test_help_of_every_programme_command_is_danish(name, msgids, danish_commands):
    command = load_command_class(get_commands()[name], name)
    parser = command.create_parser("mikrolaan", name)
    problems = {}
    for each in command_language.parsers(parser):
        text = "\n".join(shown_texts(each))
        assert each.description or each is not parser, f"{name}: no description"
        found = english_in(text, msgids)
        if found:
            problems[each.prog] = found
        printed = each.format_help()
        for frame in ("usage:", "options:", "positional arguments:", "show this help"):
            assert frame not in printed, f"{each.prog}: {frame!r}"
    assert problems == {}


def test_the_check_finds_english_help():
    parser = argparse.ArgumentParser(description="Show a loan on a date.")
    parser.add_argument("--as-of", help="Date of the report (default: today).")
    found = english_words("\n".join(shown_texts(parser)))
    assert {"Show", "loan", "date", "Date", "of", "report", "default", "today"} <= set(found)


def test_the_command_line_prints_danish_help_and_errors():
    run = subprocess.run(
        [str(MIKROLAAN), "bank", "import", "--help"], capture_output=True, text=True, check=True
    )
    assert run.stdout.startswith("brug: mikrolaan bank import")
    assert "vis denne hjælp og afslut" in run.stdout and "Importér kontoudtog" in run.stdout
    run = subprocess.run([str(MIKROLAAN), "report"], capture_output=True, text=True)
    assert run.returncode != 0
    assert "disse argumenter mangler: --as-of" in run.stderr
