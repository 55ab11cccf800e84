"""Swedish alphabetical order: the one rule every sorted list of names follows.

Swedish puts Å, Ä and Ö after Z, in that order ("Ängen" after "Zeta"), and
reads the letters other languages write with accents as their base letter
("Éva" beside "Eva"), Ü as Y, Æ as Ä and Ø as Ö. Case is ignored first and
decides only between names that are otherwise equal, so a list reads the same
whoever typed its names. Python's own ``sorted`` compares code points, which
puts "Ängen" before "Zeta" only by luck and "ängen" after every capital.

>>> sorted(["Zeta", "Ängen", "Åby", "Östra", "alfa", "Äpple", "Öja", "Eva", "Élise"], key=swedish_key)
['alfa', 'Élise', 'Eva', 'Zeta', 'Åby', 'Ängen', 'Äpple', 'Öja', 'Östra']
"""

from __future__ import annotations

import unicodedata

import pandas as pd

# The three letters after Z, and the letters Swedish reads as one of them (or as another base letter).
_AFTER_Z = {"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}"}  # "{", "|", "}" follow "z" in code points
_AS = {"ü": "y", "ß": "ss"}


def swedish_key(name: str) -> str:
    """The sort key of ``name`` in Swedish order: its case-blind letters, then the name itself to break ties.

    >>> swedish_key("zeta") < swedish_key("Ängen") and swedish_key("Zeta") < swedish_key("zeta")
    True
    """
    letters = []
    for char in unicodedata.normalize("NFC", name).casefold():
        if char in _AFTER_Z:
            letters.append(_AFTER_Z[char])
            continue
        if char in _AS:
            letters.append(_AS[char])
            continue
        # "é" is "e" plus an accent: keep the base letter (the accent only breaks ties, through the name itself).
        base = unicodedata.normalize("NFD", char)
        letters.append("".join(c for c in base if not unicodedata.combining(c)) or char)
    # A character below every letter between the two parts: "Ab" before "Abc", and equal letters compared by case.
    return "".join(letters) + "\0" + name


def swedish_sorted(names) -> list:
    """``names`` in Swedish alphabetical order."""
    return sorted(names, key=swedish_key)


def swedish_order(values: pd.Series) -> pd.Series:
    """A pandas sort ``key``: text in Swedish order, anything else (numbers, dates, missing values) as it is.

    >>> pd.Series(["Zeta", None, "ängen", "Alfa"]).sort_values(key=swedish_order, na_position="last").tolist()[:3]
    ['Alfa', 'Zeta', 'ängen']
    """
    if values.dtype != object and not isinstance(values.dtype, pd.StringDtype):
        return values
    return values.map(lambda v: swedish_key(v) if isinstance(v, str) else v)
