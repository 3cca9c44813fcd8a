"""Writing files safely: every file netlens writes (maps, tables, exports) goes through :func:`atomic_write`.

The content is written to a temporary file in the same folder, flushed and fsynced, then renamed over the target
in one step, so a failed or interrupted write (full disk, Ctrl-C, a crash) leaves the previous file as it was and
never a truncated one. An existing target keeps its permission bits; a new one gets the usual ``0666 & ~umask``.
A target that is a symbolic link is refused (a planted link must not redirect the write), and so is a folder; a
device or FIFO (``/dev/stdout``) is written in place.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from netlens.errors import OutputError

__all__ = ["atomic_write", "write_text", "write_bytes", "install"]


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path`` for writing bytes; on success it replaces ``path`` atomically.

    Raises :class:`~netlens.errors.OutputError` (exit 8) when the folder is missing or not writable, the target
    is a folder or a symbolic link, or the write fails; the temporary file is removed in every case.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_write(target) as f:
    ...     _ = f.write(b"hello")
    >>> target.read_text()
    'hello'
    """
    target = Path(path).expanduser()
    if target.is_symlink():
        raise OutputError(f"cannot write {path}: it is a symbolic link (netlens does not follow links it did not make)")
    if target.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    folder = target.absolute().parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: folder {folder} does not exist")
    if target.exists() and not target.is_file():  # a device or FIFO (/dev/stdout, /dev/null): write in place
        try:
            with open(target, "wb") as handle:
                yield handle
        except OSError as exc:
            raise OutputError(f"cannot write {path} ({exc.strerror or exc})") from None
        return
    mode = _mode_for(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        _keep_owner(tmp, target)
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror or exc}); the previous file, if any, is unchanged") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened or synced
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _keep_owner(tmp: str | os.PathLike[str], dest: Path) -> None:
    """Give ``tmp`` the owner and group of the existing ``dest`` (when they differ from ours and we may)."""
    with contextlib.suppress(FileNotFoundError):
        st = dest.stat()
        if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
            with contextlib.suppress(PermissionError):  # only root (or a group member) may keep them
                os.chown(tmp, st.st_uid, st.st_gid)


def install(tmp: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Move the finished file ``tmp`` over ``target`` durably: fsync it, give it ``target``'s permission bits and
    ownership (or the new-file default), rename it in one step, then fsync the folder. Raises OSError."""
    tmp, dest = Path(tmp), Path(target)
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, _mode_for(dest))
    _keep_owner(tmp, dest)
    os.replace(tmp, dest)
    _fsync_folder(dest.parent)


def write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (:func:`atomic_write`)."""
    write_bytes(path, text.encode(encoding))


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (:func:`atomic_write`)."""
    with atomic_write(path) as f:
        f.write(data)
