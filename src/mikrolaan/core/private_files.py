"""Files that hold personal data (letters, exports, the SQLite database, the secret key) are
readable by the service user only, whatever the umask of the process that writes them."""

import os
from pathlib import Path

# Set by ``mikrolaan`` (cli.main) and the WSGI entry before anything is written, so files made
# by libraries too (SQLite and its WAL, gunicorn's logs) are created 0600 and folders 0700.
PRIVATE_UMASK = 0o077


def use_private_umask() -> None:
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) as a folder only the service user can open."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.chmod(0o700)
    return path


def write_private(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path``, created (or truncated) with mode 0600."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(raw)
