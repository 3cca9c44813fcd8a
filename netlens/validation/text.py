"""Checks of the characters of cells and column names, apart from their kinds.

Takes text; gives what is wrong with it, as the end of a validation message (or None when nothing is):

- :func:`forbidden_xml` — characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return,
  lone surrogates, U+FFFE/U+FFFF): GraphML and GEXF could not hold them, so such cells are refused.
- :func:`invisible` — bidi controls and zero-width characters (listed in :data:`INVISIBLE`): they make a name
  display reversed or split it invisibly, so search misses it; a warning.
- :func:`bad_column_name` — column names that would shift or retype the columns of a ``neo4j-admin`` CSV header
  (``,`` ``:`` ``"`` or a control character) or collide with the results ``netlens analyse`` writes.
"""

from __future__ import annotations

import re

from netlens.validation.specs import RESULT_PROPERTIES

__all__ = [
    "INVISIBLE",
    "INVISIBLE_RE",
    "FORBIDDEN_XML_RE",
    "forbidden_xml",
    "invisible",
    "bad_column_name",
    "strip_forbidden_xml",
]

#: bidi controls and zero-width characters, with their Unicode names (warned about in names)
INVISIBLE = {
    "\u061c": "ARABIC LETTER MARK",
    "\u180e": "MONGOLIAN VOWEL SEPARATOR",
    "\u200b": "ZERO WIDTH SPACE",
    "\u200c": "ZERO WIDTH NON-JOINER",
    "\u200d": "ZERO WIDTH JOINER",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2060": "WORD JOINER",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE",
}
INVISIBLE_RE = re.compile("[" + "".join(INVISIBLE) + "]")
FORBIDDEN_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: characters a neo4j-admin header gives a meaning (``,`` separates, ``:`` types, ``"`` quotes) and controls
_HEADER_RE = re.compile('[,:"\x00-\x1f\x7f]')


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def forbidden_xml(text: str) -> str | None:
    """What is wrong with ``text`` if it holds a character XML 1.0 forbids, else None.

    >>> forbidden_xml("Plze\\x07n"), forbidden_xml("two\\nlines")
    ('contains the control character U+0007, which GraphML/GEXF (XML 1.0) cannot hold; remove it', None)
    """
    m = FORBIDDEN_XML_RE.search(text)
    if m is None:
        return None
    return f"contains the control character {_code(m.group())}, which GraphML/GEXF (XML 1.0) cannot hold; remove it"


def strip_forbidden_xml(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids.

    >>> strip_forbidden_xml("a\\x00b\\tc")
    'ab\\tc'
    """
    return FORBIDDEN_XML_RE.sub("", text)


def invisible(text: str) -> str | None:
    """What is wrong with ``text`` if it holds a bidi control or zero-width character, else None.

    >>> invisible("Nantes\\u202e")[:66]
    'contains the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE): '
    """
    m = INVISIBLE_RE.search(text)
    if m is None:
        return None
    ch = m.group()
    return (
        f"contains the invisible character {_code(ch)} ({INVISIBLE[ch]}): it changes how the name is displayed and "
        "searched; remove it"
    )


def bad_column_name(name: str) -> str | None:
    """What is wrong with the extra column ``name``, else None.

    >>> bad_column_name("evil:ID")
    "has the character ':', which neo4j-admin headers use for ids, types and labels; use letters, digits, _ or -"
    >>> bad_column_name("community")[:60]
    'is a name netlens analyse writes its results under; rename t'
    """
    m = _HEADER_RE.search(name)
    if m is not None:
        ch = m.group()
        shown = repr(ch) if ch.isprintable() else _code(ch)
        return f"has the character {shown}, which neo4j-admin headers use for ids, types and labels; use letters, digits, _ or -"
    if name in RESULT_PROPERTIES:
        reserved = ", ".join(sorted(RESULT_PROPERTIES))
        return (
            "is a name netlens analyse writes its results under; rename the column (the next analyse would overwrite "
            f"it). Reserved names: {reserved}"
        )
    return None
