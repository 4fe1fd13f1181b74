"""Text statistics: lifted from helpers_and_asserts.ipynb.

Notebook cells 10, 11, 12, 13; ids cdd0940e7b0f, ee301423c0c2, 04f674b055bf, 8c34e03fb435.
"""

import re
from collections import Counter

from helpers_and_asserts._support import show_result

WORD = re.compile(r"[a-z']+")


def words(text):
    """Lower-case words, punctuation dropped."""
    return WORD.findall(text.lower())


def text_stats(text):
    ws = words(text)
    return {
        "words": len(ws),
        "unique": len(set(ws)),
        "mean_length": round(sum(map(len, ws)) / len(ws), 2) if ws else 0.0,
    }


def top_words(text, n=3):
    return Counter(words(text)).most_common(n)


def text_statistics():
    """Text statistics.

    From notebook cells 10, 11, 12, 13; ids cdd0940e7b0f, ee301423c0c2, 04f674b055bf,
    8c34e03fb435.
    """
    # cell 10 (cdd0940e7b0f): definitions only
    # cell 11 (ee301423c0c2)
    note = (
        "The north field is dry. The south field is wet, and the wet field "
        "needs drainage before the spring planting."
    )
    show_result(text_stats(note))
    # cell 12 (04f674b055bf)
    show_result(top_words(note))
    # cell 13 (8c34e03fb435)
    assert text_stats("") == {"words": 0, "unique": 0, "mean_length": 0.0}
    assert words("Don't STOP!") == ["don't", "stop"]
    assert top_words(note, 1) == [("the", 4)]
    print("text helpers ok")
