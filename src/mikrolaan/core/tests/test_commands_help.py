"""``mikrolaan help`` lists the programme's commands by task, in Danish; Django's stay behind."""

import subprocess
import sys
from pathlib import Path

from django.core.management import get_commands

from mikrolaan.core.commands_help import GROUPS

MIKROLAAN = Path(sys.executable).with_name("mikrolaan")


def test_every_programme_command_is_in_a_group():
    ours = {name for name, app in get_commands().items() if app.startswith("mikrolaan.")}
    listed = {name.split()[0] for _title, commands in GROUPS for name, _text in commands}
    assert ours - listed == set(), "add the command to core/commands_help.py"


def test_help_shows_the_programme_commands_in_danish_without_djangos():
    out = subprocess.run(
        [str(MIKROLAAN), "help"], capture_output=True, text=True, check=True
    ).stdout
    assert "Hver bankdag:" in out and "mikrolaan servicing run" in out
    assert "startproject" not in out and "testserver" not in out


def test_help_django_lists_djangos_own_commands():
    out = subprocess.run(
        [str(MIKROLAAN), "help", "django"], capture_output=True, text=True, check=True
    ).stdout
    assert "startproject" in out and "servicing" in out
