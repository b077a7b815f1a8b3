"""類似目標のお知らせ: when a goal arrives that is highly similar to a goal of another organization, both 担当者 are
told — once per pair, and at most a few times a day each, so that nobody is spammed."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import NotFound
from banso_core.japanese import analyse_text
from exchange.goal_summary.models import SharedGoal
from exchange.goal_summary.repository import SharedGoalRepository
from exchange.goal_summary.schemas import SimilarParams
from exchange.goal_summary.service import goal_summary_service
from exchange.similar_alert.models import SimilarGoalPair
from exchange.similar_alert.repository import SimilarGoalPairRepository

CANDIDATES = 5
"""How many of the most similar goals of other organizations are weighed for an alert."""


@dataclass(frozen=True)
class AlertPolicy:
    threshold: float = 0.5
    """Share of words in common (Jaccard over normalised forms and synonym groups) from which two goals of the
    same category are "highly similar"."""
    per_staff_per_day: int = 5
    """Alerts one 担当者 receives in 24 hours at most; a pair found beyond it is recorded, not sent."""


@dataclass(frozen=True)
class SimilarGoalAlert:
    """One organization's alert: its goal, and the similar goal of the other organization."""

    org_id: str
    alert_id: str
    staff_handle: str
    goal: SharedGoal
    other: SharedGoal
    shared_terms: tuple[str, ...]
    similarity: float
    found_at: dt.datetime


def goal_words(text: str) -> dict[str, str]:
    """A goal's content words, keyed so that a synonym group stands for each of its members (ウェブサイト =
    ホームページ), each with the word as the goal writes it."""
    return {min(token.synonyms) if token.synonyms else token.normalised: token.surface for token in analyse_text(text)}


def pair_id(first: SharedGoal, second: SharedGoal) -> str:
    keys = sorted([f"{first.org_id}/{first.goal_ref}", f"{second.org_id}/{second.goal_ref}"])
    return hashlib.sha256("|".join(keys).encode()).hexdigest()[:32]


class SimilarAlertService:
    def __init__(self) -> None:
        self.shared_goals = SharedGoalRepository()
        self.pairs = SimilarGoalPairRepository()

    async def alerts_for(
        self, session: AsyncSession, org_id: str, goal_ref: str, policy: AlertPolicy
    ) -> list[tuple[SimilarGoalPair, list[SimilarGoalAlert]]]:
        """The pairs a goal that just arrived forms with highly similar goals of other organizations, not alerted
        before, each with the alerts it gives rise to (read only: `record` keeps them)."""
        source = await self.shared_goals.get(session, org_id, goal_ref)
        if source is None or source.withdrawn or not source.staff_handle:
            return []
        try:
            found, _ = await goal_summary_service.similar(session, org_id, goal_ref, SimilarParams(limit=CANDIDATES))
        except NotFound:
            return []
        words = goal_words(source.text)
        pairs: list[tuple[SimilarGoalPair, list[SimilarGoalAlert]]] = []
        for candidate in found:
            other = candidate.goal
            if other.category != source.category or not other.staff_handle:
                continue
            other_words = goal_words(other.text)
            shared = words.keys() & other_words.keys()
            union = words.keys() | other_words.keys()
            similarity = len(shared) / len(union) if union else 0.0
            alert_id = pair_id(source, other)
            if similarity < policy.threshold or await self.pairs.get(session, alert_id) is not None:
                continue
            now = utc_now()
            day_ago = now - dt.timedelta(days=1)
            tell_source = await self._may_alert(session, source, day_ago, policy)
            tell_other = await self._may_alert(session, other, day_ago, policy)
            pair = SimilarGoalPair(
                alert_id=alert_id,
                first_org_id=source.org_id,
                first_goal_ref=source.goal_ref,
                first_staff_handle=source.staff_handle,
                second_org_id=other.org_id,
                second_goal_ref=other.goal_ref,
                second_staff_handle=other.staff_handle,
                similarity=similarity,
                found_at=now,
                alerted={(True, True): "both", (True, False): "first", (False, True): "second"}.get(
                    (tell_source, tell_other), "none"
                ),
            )
            terms = tuple(sorted(words[key] for key in shared))
            alerts: list[SimilarGoalAlert] = []
            if tell_source:
                alerts.append(
                    SimilarGoalAlert(
                        source.org_id, alert_id, source.staff_handle, source, other, terms, similarity, now
                    )
                )
            if tell_other:
                alerts.append(
                    SimilarGoalAlert(other.org_id, alert_id, other.staff_handle, other, source, terms, similarity, now)
                )
            pairs.append((pair, alerts))
        return pairs

    async def record(self, session: AsyncSession, pair: SimilarGoalPair) -> bool:
        """Keep a pair; False when it was kept already (then its alerts are not sent again)."""
        if await self.pairs.get(session, pair.alert_id) is not None:
            return False
        await self.pairs.add(session, pair)
        return True

    async def _may_alert(
        self, session: AsyncSession, goal: SharedGoal, since: dt.datetime, policy: AlertPolicy
    ) -> bool:
        received = await self.pairs.alerts_since(session, goal.org_id, goal.staff_handle, since)
        return received < policy.per_staff_per_day


similar_alert_service = SimilarAlertService()
