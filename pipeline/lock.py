"""One run per output folder: a lock file that a killed run does not leave stale.

``OUT/.parley.lock`` holds the writing run's PID and host. Exclusion comes from an
advisory ``flock`` on that file, which the kernel drops when the process ends however
it ends (a ``kill -9`` included), so a killed run's lock is free at once. On a file
system without ``flock`` the PID is checked instead: a lock whose process is no
longer alive on this host is taken over.
"""
from __future__ import annotations

import errno
import fcntl
import os
import socket
from pathlib import Path

LOCK_FILE = ".parley.lock"


class OutputLocked(RuntimeError):
    """Another run is writing the output folder."""


class OutputLock:
    """Held while a run writes an output folder; use as a context manager."""

    def __init__(self, out_dir: Path | str):
        self.path = Path(out_dir) / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> "OutputLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock at once, or raise OutputLocked naming the run that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read(fd)
                os.close(fd)
                raise self._locked(holder) from None
            except OSError as err:
                if err.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                    os.close(fd)
                    raise
                holder = _read(fd)
                if _alive(holder):  # no flock here: the PID decides
                    os.close(fd)
                    raise self._locked(holder) from None
            # The previous holder may have removed the file between our open and our
            # flock: then we hold a lock on a file nobody else can see; start again.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {socket.gethostname()}\n".encode("utf-8"), 0)
            self._fd = fd
            return

    def release(self) -> None:
        """Remove the lock file and drop the lock (safe to call twice)."""
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)
            self._fd = None

    def _locked(self, holder: str) -> OutputLocked:
        who = f"process {holder.split()[0]} on {holder.split()[1]}" if len(holder.split()) >= 2 else "another process"
        return OutputLocked(f"{self.path.parent}: another parley run ({who}) is writing this output folder; "
                            "wait for it to finish or choose another --out")


def _read(fd: int) -> str:
    try:
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _alive(holder: str) -> bool:
    """Whether the PID recorded in a lock file is a live process on this host."""
    parts = holder.split()
    if len(parts) < 2 or not parts[0].isdigit():
        return False
    if parts[1] != socket.gethostname():
        return True  # another host's process cannot be checked: assume it is running
    try:
        os.kill(int(parts[0]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
