"""A small on-disk cache for results that are slow to rebuild and derived only from files (never the truth).

Entries live in ``$XDG_CACHE_HOME/netlens`` (default ``~/.cache/netlens``) as pickles written atomically
(temporary file + rename), one file per *slot* (e.g. one per store file), so entries do not pile up; a new
value for a slot replaces the old one. The *key* stored with a value must change whenever the inputs change:
callers build it from the input files' identity (:func:`file_stamp`) and from the source of the code that
computes the value (:func:`source_digest`), so a new netlens version never reads an old entry. ``NETLENS_CACHE=0`` turns the
cache off. An entry that cannot be read (damaged, foreign, from another pandas) is ignored and rebuilt;
one that cannot be written is skipped. The cache only holds what the user's own files already contain.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["enabled", "folder", "file_stamp", "source_digest", "get", "put"]


def enabled() -> bool:
    return os.environ.get("NETLENS_CACHE", "1") != "0"


def folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "netlens"


def file_stamp(path: str | Path) -> str | None:
    """Identity of a file's current content: resolved path, inode, size and modification time (None if absent)."""
    p = Path(path).resolve()
    try:
        st = p.stat()
    except OSError:
        return None
    return f"{p}|{st.st_ino}|{st.st_size}|{st.st_mtime_ns}"


def source_digest(*modules: Any) -> str:
    """A digest of the source files of ``modules`` (the code that builds a cached value)."""
    h = hashlib.sha256()
    for m in modules:
        h.update(Path(m.__file__).read_bytes())
    return h.hexdigest()


def _path(kind: str, slot: str) -> Path:
    return folder() / f"{kind}-{hashlib.sha256(slot.encode()).hexdigest()[:24]}.pickle"


def get(kind: str, slot: str, key: str) -> Any:
    """The value in ``(kind, slot)`` if it was stored with ``key``, else None."""
    if not enabled():
        return None
    try:
        with open(_path(kind, slot), "rb") as fh:
            stored_key, value = pickle.load(fh)
    except Exception:  # absent, damaged or written by other versions of the libraries
        return None
    return value if stored_key == key else None


def put(kind: str, slot: str, key: str, value: Any) -> None:
    """Store ``value`` with ``key`` in ``(kind, slot)``, replacing what the slot held."""
    if not enabled():
        return
    target = _path(kind, slot)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".tmp") as out:
            pickle.dump((key, value), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(out.name, target)
    except OSError:
        pass
