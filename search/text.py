"""Folding and Chinese word segmentation, identical at index time and at query time (pure, no database).

Text is folded with NFKC and casefold, so full-width ``ＲＯＩ`` and ``roi`` are one word, then cut
into words by rjieba (jieba's dictionary and algorithm, in Rust) with its HMM guesser off: the
guesser joins unknown characters differently depending on their neighbours, while dictionary-only
cutting gives a query the same pieces it gets inside a sentence (私域流量 is 私 / 域 / 流量 in
both places). A word is a run of letters and digits; punctuation, spaces and operators never are.
"""

import re
import unicodedata
from collections.abc import Iterator

import rjieba

MAX_WORD_CHARS = 60  # longer runs are noise (hashes, URLs) and PostgreSQL refuses lexemes past 2 KB
_RUN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def words(text: str) -> list[str]:
    """The words of a text, in order, as a query is cut (no sub-words)."""
    return [word for piece in rjieba.cut(fold(text), False) for word in _runs(piece)]


def indexed_words(text: str) -> Iterator[tuple[str, int]]:
    """(word, position) pairs for the index: each word, then the dictionary words inside it.

    The inner words (北极 in 北极星) share the outer word's position, so a search for either finds
    it and proximity is measured in whole words. Positions start at 0 and count whole words.
    """
    position = 0
    for piece in rjieba.cut(fold(text), False):
        for word in _runs(piece):
            yield word, position
            for inner in _inner_words(word):
                yield inner, position
            position += 1


def runs(text: str) -> list[str]:
    """The runs of letters and digits of a folded text, as typed (not cut into words)."""
    return _runs(fold(text))


def _runs(piece: str) -> list[str]:
    return [run for run in _RUN.findall(piece) if len(run) <= MAX_WORD_CHARS]


def _inner_words(word: str) -> list[str]:
    """Two- and three-character dictionary words inside a longer Chinese word (jieba's search mode)."""
    found: list[str] = []
    if word.isascii():
        return found
    for size in (2, 3):
        if len(word) > size:
            found.extend(gram for i in range(len(word) - size + 1)
                         if rjieba.has_word(gram := word[i:i + size]))
    return found
