"""A small on-disk cache for results that are slow to rebuild and derived only from files (never the truth).

Entries live in ``$XDG_CACHE_HOME/netlens`` (default ``~/.cache/netlens``, made ``0700``) as JSON files written
atomically (temporary file, fsync, rename; the temporary is removed when the write fails), one file per *slot*
(e.g. one per store file); a new value for a slot replaces the old one. JSON cannot run code when read (a planted
file is at worst ignored); values may be JSON values, ``datetime.date``, pandas DataFrames (object columns) and
one-dimensional numpy arrays of the dtypes in :data:`ARRAY_DTYPES` (raw little-endian bytes in base64, read back
with ``numpy.frombuffer`` of that dtype only: never an object array, never a pickle).
The *key* stored with a value must change whenever the inputs change: callers build it from the input files'
identity (:func:`file_stamp`) and from the source of the code that computes the value (:func:`source_digest`), so
a new netlens version never reads an old entry. ``NETLENS_CACHE=0`` turns the cache off. An entry that cannot be
read (damaged, foreign) is ignored and rebuilt; one that cannot be written is skipped.
Entries are private, unlike the files netlens replaces for a user (store, maps, exports keep their owner and mode):
each is written ``0600`` by the process that owns the cache folder, whatever an older entry's mode was, and the
folder is put back to ``0700`` when it was opened up.

Eviction, on every write: entries whose ``sources`` (files the caller named) are gone, all but the
:data:`MAX_ENTRIES` most recently used entries, and temporaries older than a minute (left by a killed run).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["enabled", "folder", "file_stamp", "source_digest", "get", "put", "rekey", "MAX_ENTRIES"]

#: entries kept (the most recently used); one CORDIS read-back is ~20 MB
MAX_ENTRIES = 8
#: a temporary older than this (seconds) belongs to no running write
_STALE_TEMP_SECONDS = 60
_FORMAT = "netlens-cache-1"
#: the numpy dtypes an entry may hold (anything else is refused when written and ignored when read)
ARRAY_DTYPES = ("<i4", "<i8", "<f8", "|b1")


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
    return folder() / f"{kind}-{hashlib.sha256(slot.encode()).hexdigest()[:24]}.json"


# ------------------------------------------------------------------------------------------ encoding


def _encode(value: Any) -> Any:
    """``value`` as JSON data; dates and frames become tagged objects. Raises TypeError for anything else."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, _dt.datetime):
        raise TypeError("datetime values are not cached")
    if isinstance(value, _dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    import pandas as pd  # here, not at the top: `netlens info` and --help never cache a frame

    if isinstance(value, pd.DataFrame):
        if not isinstance(value.index, pd.RangeIndex) or value.index.start != 0 or value.index.step != 1:
            raise TypeError("only frames with a default index are cached")
        cols = [str(c) for c in value.columns]
        return {"$frame": cols, "data": [[_encode(v) for v in value[c].tolist()] for c in value.columns]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("only str keys are cached")
        return {"$dict": {k: _encode(v) for k, v in value.items()}}
    if type(value).__name__ == "ndarray":  # by name: numpy is imported only when an array is cached
        import base64

        import numpy as np

        arr = np.ascontiguousarray(value)
        dtype = arr.dtype.newbyteorder("<") if arr.dtype.byteorder == ">" else arr.dtype
        if arr.ndim != 1 or dtype.str not in ARRAY_DTYPES:
            raise TypeError(f"only 1-d arrays of {', '.join(ARRAY_DTYPES)} are cached, not {arr.dtype.str} x{arr.ndim}")
        return {"$array": dtype.str, "data": base64.b64encode(arr.astype(dtype, copy=False).tobytes()).decode("ascii")}
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return _encode(item())
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode(data: Any) -> Any:
    if isinstance(data, list):
        return [_decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "$date" in data:
        return _dt.date.fromisoformat(data["$date"])
    if "$array" in data:
        if data["$array"] not in ARRAY_DTYPES:
            raise ValueError(f"not a cached array dtype: {data['$array']!r}")
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(data["data"], validate=True), dtype=np.dtype(data["$array"])).copy()
    if "$frame" in data:
        cols = data["$frame"]
        # plain cells as they are (a call per cell made CORDIS' 16 MB of tables cost 2 s to decode)
        columns = [[_decode(v) if isinstance(v, (dict, list)) else v for v in col] for col in data["data"]]
        import pandas as pd

        frame = pd.DataFrame(dict(zip(cols, columns)), columns=cols, dtype=object)
        return frame.astype(object)
    return {k: _decode(v) for k, v in data["$dict"].items()}


# ------------------------------------------------------------------------------------------ get / put


def get(kind: str, slot: str, key: str) -> Any:
    """The value in ``(kind, slot)`` if it was stored with ``key``, else None."""
    if not enabled():
        return None
    path, head = _path(kind, slot), _head(key)
    try:
        with open(path, "rb") as fh:
            if fh.read(len(head)) != head:  # another key (an older file): not decoded at all
                return None
            doc = json.loads(head + fh.read())
        if not (isinstance(doc, dict) and doc.get("format") == _FORMAT and doc.get("key") == key):
            return None
        value = _decode(doc["value"])
    except Exception:  # absent, damaged or foreign: rebuilt by the caller
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # most recently used
    return value


def _private_folder() -> Path:
    d = folder()
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    if d.stat().st_mode & 0o077:
        d.chmod(0o700)
    return d


def put(kind: str, slot: str, key: str, value: Any, *, sources: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Store ``value`` with ``key`` in ``(kind, slot)``, replacing what the slot held, then evict old entries.

    ``sources``: files the value is derived from; the entry is evicted once one of them is gone.
    A value that cannot be encoded, or a write that fails, is skipped (nothing is left behind).
    """
    if not enabled():
        return
    try:
        rest = {"sources": [os.fspath(s) for s in sources], "value": _encode(value)}
        data = json.dumps(rest, separators=(",", ":"), allow_nan=True).encode("utf-8")[1:]  # after the "{"
    except (TypeError, ValueError):
        return
    _write(_path(kind, slot), [_head(key), data])  # format and key first: what get and rekey read


def _head(key: str) -> bytes:
    """How an entry stored with ``key`` begins: ``{"format":…,"key":…,`` (``put`` writes it, ``rekey`` replaces it)."""
    return json.dumps({"format": _FORMAT, "key": key}, separators=(",", ":")).encode("utf-8")[:-1] + b","


def rekey(kind: str, slot: str, old_key: str, new_key: str) -> bool:
    """Give the value stored in ``(kind, slot)`` with ``old_key`` the key ``new_key``, without decoding it (the
    store's file changed but the cached read-back did not: a write of analysis results). False when the slot
    does not hold ``old_key`` (nothing changed then); the caller may :func:`put` instead."""
    if not enabled():
        return False
    target, old = _path(kind, slot), _head(old_key)
    try:
        with open(target, "rb") as fh:
            if fh.read(len(old)) != old:
                return False
            rest = fh.read()
    except OSError:
        return False
    return _write(target, [_head(new_key), rest])


def _write(target: Path, chunks: list[bytes]) -> bool:
    """Write ``chunks`` to ``target`` in the private folder: temporary, fsync, rename; then evict old entries.
    A failed write is skipped (False) and leaves no temporary behind."""
    try:
        d = _private_folder()
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=d)
    except OSError:
        return False
    ok = False
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
        ok = True
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    _evict(d)
    return ok


def _sources_gone(entry: Path) -> bool:
    try:
        with open(entry, "rb") as fh:
            head = fh.read(65536).decode("utf-8", "replace")
        start = head.index('"sources":') + len('"sources":')
        sources, _ = json.JSONDecoder().raw_decode(head, start)
    except (OSError, ValueError):
        return False
    return isinstance(sources, list) and any(isinstance(s, str) and not os.path.exists(s) for s in sources)


def _evict(d: Path) -> None:
    """Remove stale temporaries, entries whose sources are gone, and all but the newest MAX_ENTRIES entries."""
    now = time.time()
    entries: list[tuple[float, Path]] = []
    for p in d.iterdir():
        try:
            mtime = p.stat().st_mtime
            if p.name.endswith(".tmp"):
                if now - mtime > _STALE_TEMP_SECONDS:
                    p.unlink()
            elif p.suffix in (".json", ".pickle"):
                if p.suffix == ".pickle" or _sources_gone(p):  # .pickle: written by older versions, never read
                    p.unlink()
                else:
                    entries.append((mtime, p))
        except OSError:
            continue
    entries.sort(reverse=True)
    for _, p in entries[MAX_ENTRIES:]:
        with contextlib.suppress(OSError):
            p.unlink()
