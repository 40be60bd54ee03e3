"""The language of the package's messages: English (the source) or Korean (the Korean edition).

Internal: :mod:`tlcourse.config` re-exports :func:`set_language` and :func:`get_language`; the
modules that print to students wrap their sentences in :func:`_` (translated when shown) or
:func:`N_` (a sentence stored at import time, such as an exercise's task or hint: marked for the
catalog, translated with :func:`_` where it is printed). The Korean texts are in
``tlcourse/locale/ko.po`` (gettext, read with polib once, on first use); a sentence without a
Korean translation is shown in English.

The language starts as ``TLCOURSE_LANG`` says (``en`` or ``ko``; unset: ``en``); the Korean
notebooks switch it in their set-up cell with ``tlcourse.set_language("ko")``.

A sentence with values names them: ``_("{n} seed(s) cannot show ...").format(n=len(seeds))``, never
an f-string inside ``_()`` (the catalog would need one entry per value). tests/test_korean.py finds
every ``_("...")`` and ``N_("...")`` literal of the package and fails where ko.po lacks it or
names other placeholders.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

__all__ = ["LANGUAGES", "N_", "_", "get_language", "set_language"]

#: The languages the package speaks.
LANGUAGES = ("en", "ko")
CATALOG_DIR = Path(__file__).with_name("locale")


def _checked(lang: object, source: str) -> str:
    if not isinstance(lang, str) or lang.strip().lower() not in LANGUAGES:
        raise ValueError(f"{source} {lang!r} is not a language of the course: use 'en' (English) or 'ko' (Korean)")
    return lang.strip().lower()


_language = _checked(os.environ.get("TLCOURSE_LANG", "en") or "en", "TLCOURSE_LANG=")


def set_language(lang: str) -> None:
    """Choose the language of the package's messages: check(), hints, solutions' notes.

    Args:
        lang: ``"en"`` (English) or ``"ko"`` (Korean, 한국어). The environment variable
            ``TLCOURSE_LANG`` sets the same before ``import tlcourse``.

    Returns:
        None.

    Raises:
        ValueError: any other value (the message names both languages).

    Example (``00_start_here``):
        >>> set_language("ko")  # doctest: +SKIP
        >>> check("01.1", ...)  # doctest: +SKIP
        01.1 아직 답하지 않았습니다: ...
    """
    global _language
    _language = _checked(lang, "language")


def get_language() -> str:
    """The language of the package's messages now.

    Returns:
        ``"en"`` or ``"ko"``.

    Example (``00_start_here``):
        >>> get_language()  # doctest: +SKIP
        'en'
    """
    return _language


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """English -> ``lang`` for every translated, not fuzzy entry of ``tlcourse/locale/<lang>.po``."""
    path = CATALOG_DIR / f"{lang}.po"
    if lang == "en" or not path.exists():
        return {}
    import polib

    return {e.msgid: e.msgstr for e in polib.pofile(str(path)) if e.msgstr and "fuzzy" not in e.flags}


def _(msgid: str) -> str:
    """``msgid`` in the current language (English where the catalog has no translation)."""
    return catalog(_language).get(msgid, msgid) if _language != "en" else msgid


def N_(msgid: str) -> str:
    """``msgid`` unchanged: marks a sentence kept for later (translate it with :func:`_` when shown)."""
    return msgid
