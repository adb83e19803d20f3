"""Files only raccord's own user may read: databases and keys (mode 0600)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url


def private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600, or bring an existing one to 0600. SQLite gives its
    -wal and -shm files the mode of the database file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    for companion in (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if companion.exists():
            os.chmod(companion, 0o600)
    return path


def private_sqlite(url: str) -> None:
    """The file of a SQLite database URL made private before SQLite opens it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        private_file(Path(str(parsed.database)))
