"""Japanese text analysis (形態素解析) shared by the hub's searches: what a text is indexed under, what a query
looks for. The exchange indexes goal summaries with it, the notices service notices and posts.

A text is indexed under four kinds of term:

- **words** — Sudachi's normalised forms (表記ゆれ: ｷｬﾝﾌﾟ場 and キャンプ場, 打ち合せ and 打ち合わせ become one) of the
  content words, as long units (キャンプ場) and their short parts (キャンプ, 場);
- **synonyms** — Sudachi's synonym group ids (ホームページ and ウェブサイト share group 134) and the groups of the
  curated table `synonyms.txt` for what Sudachi lacks (EC ↔ ネット通販, 事業承継 ↔ 後継者);
- **labels** (the exchange's) — the words of the goal's category and industry labels;
- **bigrams** — overlapping character pairs of the whole text, the fallback for unknown words and typos.

Every term is encoded to letters and digits only (`index_term`), so that SQLite FTS5's tokenizer and
PostgreSQL's tsvector keep it whole, whatever symbol the text holds.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

ESCAPE = "ǁ"
"""Brackets the code point of a character that is neither letter nor digit (U+01C1: no Japanese text has it)."""
MAX_WORD_LENGTH = 64
"""Characters of one query word that are analysed; a longer word is cut (nobody types a 65-character word)."""
MAX_QUERY_WORDS = 10
CONTENT_PARTS_OF_SPEECH = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
STOP_WORDS = frozenset(
    {
        "為る",
        "有る",
        "居る",
        "成る",
        "出来る",
        "行う",
        "思う",
        "事",
        "物",
        "為",
        "様",
        "所",
        "等",
        "度",
        "方",
        "中",
        "的",
    }
)
"""Normalised forms too common in goal texts to say anything (する, ある, なる, こと, もの …)."""
_WHITESPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """NFKC and lower case: full/half width (ｷｬﾝﾌﾟ → キャンプ, ＤＸ → dx) and Latin case stop mattering."""
    return unicodedata.normalize("NFKC", text).lower()


def _is_term_character(char: str) -> bool:
    # Letters and digits (str.isalnum): a subset of what FTS5's unicode61 tokenizer keeps in a token (L*, N*, Co).
    return char.isalnum() and char != ESCAPE


def index_term(term: str) -> str:
    """`term` with every character that is not a letter or digit written as ǁ<hex>ǁ."""
    if term.isalnum() and ESCAPE not in term:
        return term
    return "".join(char if _is_term_character(char) else f"{ESCAPE}{ord(char):x}{ESCAPE}" for char in term)


def bigrams(text: str) -> list[str]:
    """Overlapping pairs of the folded, whitespace-free text, plus its last character alone, so that every
    character begins some term (a one-character query is a prefix search)."""
    chars = [char for char in fold(text) if not char.isspace()]
    if not chars:
        return []
    pairs = [index_term(first + second) for first, second in itertools.pairwise(chars)]
    return [*pairs, index_term(chars[-1])]


@dataclass(frozen=True)
class CuratedSynonyms:
    """The table `synonyms.txt`: one group per line, `name: member, member, …`; a member is found as a substring
    of the folded text (ASCII members only as whole words, so that EC is not found in ECO)."""

    members: dict[str, str]
    """Folded member → group name."""
    pattern: re.Pattern[str] | None

    @classmethod
    def parse(cls, source: str) -> CuratedSynonyms:
        members: dict[str, str] = {}
        for line in source.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            name, _, listed = line.partition(":")
            if not re.fullmatch(r"[a-z][a-z0-9]*", name.strip()):
                raise ValueError(f"synonym group name must be lower-case ASCII letters and digits: {name!r}")
            for member in listed.split(","):
                if member := fold(member.strip()):
                    members[member] = name.strip()
        if not members:
            return cls(members, None)
        alternatives = []
        for member in sorted(members, key=len, reverse=True):
            escaped = re.escape(member)
            alternatives.append(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])" if member.isascii() else escaped)
        return cls(members, re.compile("|".join(alternatives)))

    def find(self, folded_text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, group) of every member in the folded text."""
        if self.pattern is None:
            return
        for match in self.pattern.finditer(folded_text):
            yield match.start(), match.end(), self.members[match.group()]


@functools.cache
def curated_synonyms() -> CuratedSynonyms:
    source = resources.files("banso_core").joinpath("synonyms.txt").read_text(encoding="utf-8")
    return CuratedSynonyms.parse(source)


@functools.cache
def _tokenizers() -> tuple[Any, Any, Any]:
    import sudachipy

    dictionary = sudachipy.Dictionary(dict="core")
    return dictionary.tokenizer(mode=sudachipy.SplitMode.C), sudachipy.SplitMode.A, dictionary


def warm_up() -> None:
    """Load the Sudachi dictionary now rather than on the first goal or query."""
    analyse_text("準備")


@dataclass(frozen=True)
class Token:
    """A content word found in a text: where it is, its normalised form, and its synonym group terms."""

    start: int
    end: int
    surface: str
    normalised: str
    synonyms: tuple[str, ...]
    parts: tuple[str, ...] = ()
    """Normalised forms of its short units, when the long unit splits (キャンプ場 → キャンプ, 場)."""


def _normalised(morpheme: Any) -> str:
    return fold(morpheme.normalized_form())


def _synonym_terms(morpheme: Any) -> tuple[str, ...]:
    return tuple(f"sg{group}" for group in morpheme.synonym_group_ids())


@functools.lru_cache(maxsize=2048)
def _is_content(pos_id: int) -> bool:
    dictionary = _tokenizers()[2]
    pos = dictionary.pos_of(pos_id)
    return bool(pos[0] in CONTENT_PARTS_OF_SPEECH and not (pos[1] == "非自立可能" and pos[0] != "名詞"))


def analyse_text(text: str) -> list[Token]:
    """The content words of `text`, with their offsets in `text` itself."""
    tokenizer, short_mode, _ = _tokenizers()
    # NFKC may change lengths (ｷｬﾝﾌﾟ is five characters, キャンプ four), so Sudachi reads the raw text (it folds
    # width itself in normalised forms) and offsets stay those of the text shown to people.
    tokens = []
    for morpheme in tokenizer.tokenize(text):
        if not _is_content(morpheme.part_of_speech_id()):
            continue
        normalised = _normalised(morpheme)
        if normalised in STOP_WORDS or not any(_is_term_character(char) for char in normalised):
            continue  # symbols (Sudachi calls % a noun) are left to the bigrams
        synonyms = list(_synonym_terms(morpheme))
        parts: list[str] = []
        if morpheme.end() - morpheme.begin() > 2:  # two characters do not split into two content words
            pieces = morpheme.split(short_mode)
            if len(pieces) > 1:
                for piece in pieces:
                    piece_form = _normalised(piece)
                    if _is_content(piece.part_of_speech_id()) and piece_form not in STOP_WORDS:
                        parts.append(piece_form)
                        synonyms.extend(_synonym_terms(piece))
        tokens.append(
            Token(
                start=morpheme.begin(),
                end=morpheme.end(),
                surface=morpheme.surface(),
                normalised=normalised,
                synonyms=tuple(dict.fromkeys(synonyms)),
                parts=tuple(dict.fromkeys(parts)),
            )
        )
    return tokens


def word_terms(tokens: Iterable[Token]) -> list[str]:
    """The normalised forms of the tokens (long units and their short parts), as index terms."""
    terms: list[str] = []
    for token in tokens:
        terms.append(index_term(token.normalised))
        terms.extend(index_term(part) for part in token.parts if part != token.normalised)
    return terms


def synonym_group_terms(text: str, tokens: Iterable[Token]) -> list[str]:
    """Sudachi's synonym groups of the tokens, and the curated groups found in the text."""
    terms = [term for token in tokens for term in token.synonyms]
    terms.extend(f"cg{group}" for _, _, group in curated_synonyms().find(fold(text)))
    return terms


def index_text(text: str) -> str:
    """Every term a text is found by (words, synonym groups, bigrams), once each, space-separated and bracketed
    by spaces, so that `LIKE '% term %'` finds a term."""
    tokens = analyse_text(text)
    terms = dict.fromkeys([*word_terms(tokens), *synonym_group_terms(text, tokens), *bigrams(text)])
    return f" {' '.join(terms)} "


@dataclass(frozen=True)
class QueryToken:
    """A content word of a query and what stands for it: its normalised forms and its synonym groups."""

    terms: tuple[str, ...]
    synonym_terms: tuple[str, ...]


@dataclass(frozen=True)
class QueryWord:
    """One whitespace-separated word of a query and what it may match.

    A compound (改訂5, 事業承継, ネット通販: no particles) matches a goal that holds every one of its tokens, each by
    its normalised form or a synonym group; a phrase (サウナを作りたい) matches one that holds any. Either also
    matches by a curated synonym group of the whole word, or by every one of `bigram_terms` (the word as a string,
    表記ゆれ and all); with `prefix` the word is one character and matches any bigram it begins.
    """

    text: str
    tokens: tuple[QueryToken, ...]
    conjunctive: bool
    curated_terms: tuple[str, ...]
    bigram_terms: tuple[str, ...]
    prefix: bool = False

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(term for token in self.tokens for term in token.terms))

    @property
    def synonym_terms(self) -> tuple[str, ...]:
        synonyms = (term for token in self.tokens for term in token.synonym_terms)
        return tuple(dict.fromkeys([*synonyms, *self.curated_terms]))

    @property
    def has_terms(self) -> bool:
        return bool(self.tokens or self.curated_terms or self.bigram_terms)


_FUNCTION_PARTS_OF_SPEECH = frozenset({"助詞", "助動詞"})
MAX_CONJUNCTIVE_TOKENS = 4
"""A word of more content tokens than this is read as a phrase (any token matches), not a compound."""


def analyse_query_word(word: str) -> QueryWord:
    word = word[:MAX_WORD_LENGTH]
    chars = [char for char in fold(word) if not char.isspace()]
    if len(chars) == 1:
        return QueryWord(word, (), False, (), (index_term(chars[0]),), prefix=True)
    tokens = analyse_text(word)
    query_tokens = tuple(QueryToken(tuple(dict.fromkeys(word_terms([token]))), token.synonyms) for token in tokens)
    tokenizer = _tokenizers()[0]
    has_particles = any(m.part_of_speech()[0] in _FUNCTION_PARTS_OF_SPEECH for m in tokenizer.tokenize(word))
    curated = tuple(dict.fromkeys(f"cg{group}" for _, _, group in curated_synonyms().find(fold(word))))
    pairs = tuple(dict.fromkeys(bigrams(word)[:-1]))  # the trailing single character is for prefix search only
    conjunctive = not has_particles and len(query_tokens) <= MAX_CONJUNCTIVE_TOKENS
    return QueryWord(word, query_tokens, conjunctive, curated, pairs)


def analyse_query(q: str) -> list[QueryWord]:
    """The words of a query (split on any whitespace, full-width spaces too), repeated words once, at most
    `MAX_QUERY_WORDS`; words that hold nothing to search for are dropped."""
    words = list(dict.fromkeys(part for part in _WHITESPACE.split(q.strip()) if part))[:MAX_QUERY_WORDS]
    analysed = [analyse_query_word(word) for word in words]
    return [word for word in analysed if word.has_terms]
