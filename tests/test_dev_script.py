"""``./dev`` without a known command prints its usage only (issue 9: no stray shell line)."""

import subprocess
from pathlib import Path

DEV = Path(__file__).resolve().parents[1] / "dev"


def test_dev_without_arguments_prints_only_the_usage():
    result = subprocess.run(["bash", str(DEV)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert lines[0] == "The project's one entry point for people: set up, run, test."
    commands = [line.split()[0:2] for line in lines[1:] if line.strip().startswith("./dev")]
    assert commands == [
        ["./dev", "start"],
        ["./dev", "test"],
        ["./dev", "setup"],
    ]
    assert "set -" not in result.stdout and result.stderr == ""
