"""What a goal summary is indexed under (the exchange's use of `banso_core.japanese`): its words, synonym groups
and bigrams, and the words of its category and industry labels (the category and industry boost)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from banso_core.japanese import analyse_text, bigrams, synonym_group_terms, word_terms
from banso_core.vocabulary import GoalCategory, jsic, label_of


@dataclass(frozen=True)
class IndexedTerms:
    """What one goal is indexed under, field by field (each a space-separated list of `index_term`s)."""

    words: str
    synonyms: str
    labels: str
    bigrams: str

    def fields(self) -> dict[str, str]:
        return {
            "search_words": self.words,
            "search_synonyms": self.synonyms,
            "search_labels": self.labels,
            "search_bigrams": self.bigrams,
        }


@functools.lru_cache(maxsize=4096)
def label_terms(category: str, jsic_major: str, jsic_middle: str) -> str:
    """The words of the category, industry major and middle labels (few combinations: cached)."""
    labels = " ".join(
        label
        for label in (
            label_of(GoalCategory, category),
            jsic().major_label(jsic_major),
            jsic().middle_label(jsic_middle),
        )
        if label
    )
    tokens = analyse_text(labels)
    return " ".join(dict.fromkeys([*word_terms(tokens), *synonym_group_terms(labels, tokens)]))


def index_goal(text: str, category: str, jsic_major: str, jsic_middle: str) -> IndexedTerms:
    """The terms a goal summary is indexed under (repeated terms stay repeated: term frequency counts)."""
    tokens = analyse_text(text)
    return IndexedTerms(
        words=" ".join(word_terms(tokens)),
        synonyms=" ".join(synonym_group_terms(text, tokens)),
        labels=label_terms(category, jsic_major, jsic_middle),
        bigrams=" ".join(bigrams(text)),
    )


def index_goals(goals: list[tuple[str, str, str, str]]) -> list[IndexedTerms]:
    """`index_goal` of each (text, category, jsic_major, jsic_middle): what a process of the analysis pool runs."""
    return [index_goal(*goal) for goal in goals]
