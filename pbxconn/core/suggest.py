"""Did-you-mean: the known name a mistyped one most likely means."""

from __future__ import annotations

import difflib
from typing import Iterable


def closest(word: str, known: Iterable[object], *, cutoff: float = 0.6) -> str | None:
    """The known name `word` most likely means: a letter-case variant, else the closest spelling
    (difflib ratio at least `cutoff`); None when nothing is close. Non-strings are ignored."""
    names = [k for k in known if isinstance(k, str)]
    folded = {k.lower(): k for k in names}
    if word.lower() in folded:
        return folded[word.lower()]
    close = difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
    return close[0] if close else None
