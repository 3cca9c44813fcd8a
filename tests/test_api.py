"""The public API of ``import netlens``: every advertised name resolves, lazily, and the version is the package's."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys

import pytest

import netlens


@pytest.mark.parametrize("name", [n for n in netlens.__all__ if n != "__version__"])
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(netlens, name)
    assert callable(value), name
    assert value.__name__ == name


def test_all_lists_exactly_the_lazy_names() -> None:
    assert set(netlens.__all__) - {"__version__"} == set(netlens._API)


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        netlens.nonsense  # noqa: B018


def test_version_is_the_installed_distribution_version() -> None:
    assert netlens.__version__ == importlib.metadata.version("netlens")


def test_import_netlens_loads_no_heavy_library() -> None:
    probe = "import json, sys, netlens; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout))
    assert not loaded & {"pandas", "numpy", "networkx", "igraph", "kglite", "neo4j", "rich"}
