"""Crash-safe file writing shared by every stage: nothing half-written is ever visible."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_directory(final: Path, exists: Callable[[str], BaseException] = FileExistsError) -> Iterator[Path]:
    """Yield a temporary sibling directory; on success rename it to `final` in one step.

    A crash or exception leaves only a hidden `.<name>.partial-*` directory (removed on
    exception, ignored by readers), never a half-written `final`. Refuses, raising
    `exists(message)`, if `final` exists (the caller's error: the store's kind decides).
    """
    final = Path(final)
    if final.exists():
        raise exists(f"{final} already exists and is immutable")
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=final.parent))
    # mkdtemp makes the directory private; published outputs are for everyone to read.
    tmp.chmod(0o777 & ~_umask())
    try:
        yield tmp
        for p in tmp.rglob("*"):
            if p.is_file():
                with open(p, "rb") as f:
                    os.fsync(f.fileno())
        if final.exists():
            raise exists(f"{final} appeared while writing; refusing to overwrite it")
        os.rename(tmp, final)
        _fsync_dir(final.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def atomic_write_bytes(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace `path` with `data` atomically (temp file in the same directory, then rename).

    `mode` defaults to what a plain open() would give (0666 less the umask); pass 0o600 for secrets.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.partial-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str, mode: int | None = None) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode)


class DirectoryLockedError(BlockingIOError):
    """Another process holds the lock of this directory."""


@contextlib.contextmanager
def locked_directory(directory: Path) -> Iterator[Path]:
    """Hold an exclusive flock on `directory` itself (no lock file to commit or ignore).

    Raises DirectoryLockedError at once if another process holds it; released when the
    process exits, however it exits (SIGKILL included).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DirectoryLockedError(str(directory)) from None
        yield directory
    finally:
        os.close(fd)


def remove_partials(directory: Path) -> list[str]:
    """Delete the hidden `.<name>.partial-*` leftovers of killed writers, in `directory` and in its
    hidden scratch folders (such as a build's `.cache`, written by the same writer); call it under
    the directory lock."""
    directory = Path(directory)
    scratch = [d for d in directory.glob(".*") if d.is_dir() and not d.is_symlink() and ".partial-" not in d.name]
    removed = []
    for folder in [directory, *sorted(scratch)]:
        for p in folder.glob(".*.partial-*"):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
            removed.append(str(p.relative_to(directory)))
    return removed


@contextlib.contextmanager
def exclusive_writer(directory: Path, busy: Exception) -> Iterator[Path]:
    """Be the only writer of `directory`: take its lock (raising `busy` if another process holds
    it), then clear the `.partial-*` leftovers of killed writers, which nobody can be using now."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(locked_directory(directory))
        except DirectoryLockedError:
            raise busy from None
        remove_partials(directory)
        yield Path(directory)
