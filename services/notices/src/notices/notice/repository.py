from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, exists, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.japanese import QueryWord
from notices.caller import Caller
from notices.comment.models import NoticeComment
from notices.notice.models import Notice, NoticeTarget
from notices.receipt.models import NoticeRead

AUDIENCE_DIMENSIONS = {"org_kinds": "org_kind", "org_ids": "org_id", "roles": "role"}


@dataclass(frozen=True)
class SeenNotice:
    """A notice as one member of staff sees it: whether they read it, and how many comments it has."""

    notice: Notice
    read: bool
    comment_count: int


def _target(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(select(NoticeTarget.notice_id).where(NoticeTarget.notice_id == Notice.id, *conditions))


def targets(caller: Caller) -> ColumnElement[bool]:
    """The notice's audience includes the caller: their organization (by kind or id, or every organization when
    neither is listed) and their role (or every role when none is)."""
    names_an_org = _target(NoticeTarget.dimension.in_(("org_kind", "org_id")))
    names_caller_org = _target(
        or_(
            and_(NoticeTarget.dimension == "org_kind", NoticeTarget.value == caller.org_kind),
            and_(NoticeTarget.dimension == "org_id", NoticeTarget.value == caller.org_id),
        )
    )
    names_a_role = _target(NoticeTarget.dimension == "role")
    names_caller_role = _target(NoticeTarget.dimension == "role", NoticeTarget.value == caller.role)
    return and_(or_(~names_an_org, names_caller_org), or_(~names_a_role, names_caller_role))


def in_window(now: dt.datetime) -> ColumnElement[bool]:
    """掲載期間: from publish_at until expires_at."""
    return and_(Notice.publish_at <= now, or_(Notice.expires_at.is_(None), Notice.expires_at > now))


def visible_to(caller: Caller, now: dt.datetime) -> ColumnElement[bool]:
    """What a member of staff sees in their list: what targets them while it is published, and their own notices
    at any time; prefecture staff also see their organization's scheduled and expired notices."""
    own = and_(Notice.author_org_id == caller.org_id, Notice.author_staff_id == caller.staff_id)
    if caller.is_prefecture:
        own = Notice.author_org_id == caller.org_id
    return or_(and_(targets(caller), in_window(now)), own)


class NoticeRepository:
    async def add(self, session: AsyncSession, notice: Notice) -> Notice:
        session.add(notice)
        await session.flush()
        return notice

    async def get(self, session: AsyncSession, notice_id: int) -> Notice | None:
        """A notice that is not deleted."""
        notice = await session.get(Notice, notice_id)
        return notice if notice is not None and notice.deleted_at is None else None

    async def replace_targets(self, session: AsyncSession, notice_id: int, audience: dict[str, list[str]]) -> None:
        await session.execute(delete(NoticeTarget).where(NoticeTarget.notice_id == notice_id))
        session.add_all(
            NoticeTarget(notice_id=notice_id, dimension=dimension, value=value)
            for field, dimension in AUDIENCE_DIMENSIONS.items()
            for value in audience.get(field, [])
        )
        await session.flush()

    def _seen_by(self, caller: Caller) -> Select[Any]:
        read = exists(
            select(NoticeRead.notice_id).where(
                NoticeRead.notice_id == Notice.id,
                NoticeRead.org_id == caller.org_id,
                NoticeRead.staff_id == caller.staff_id,
            )
        )
        comments = (
            select(func.count())
            .select_from(NoticeComment)
            .where(NoticeComment.notice_id == Notice.id, NoticeComment.deleted_at.is_(None))
            .scalar_subquery()
        )
        return select(Notice, read.label("read"), comments.label("comment_count")).where(Notice.deleted_at.is_(None))

    async def seen(self, session: AsyncSession, caller: Caller, notice_id: int) -> SeenNotice | None:
        row = (await session.execute(self._seen_by(caller).where(Notice.id == notice_id))).one_or_none()
        return SeenNotice(row[0], bool(row[1]), int(row[2])) if row is not None else None

    async def search(
        self,
        session: AsyncSession,
        caller: Caller,
        now: dt.datetime,
        *,
        words: Sequence[QueryWord],
        kind: str | None,
        category: str | None,
        everything: bool,
        limit: int,
        offset: int,
    ) -> tuple[list[SeenNotice], int]:
        """Pinned first, then the newest publish_at; every word must be found in the title or the body (by its
        normalised form, a synonym, or as a string: the exchange's Japanese analysis)."""
        conditions: list[ColumnElement[bool]] = [true() if everything else visible_to(caller, now)]
        conditions.extend(_found_by(word) for word in words)
        if kind is not None:
            conditions.append(Notice.kind == kind)
        if category is not None:
            conditions.append(Notice.category == category)
        query = self._seen_by(caller).where(*conditions)
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        ordered = query.order_by(Notice.pinned.desc(), Notice.publish_at.desc(), Notice.id.desc())
        rows = (await session.execute(ordered.limit(limit).offset(offset))).all()
        return [SeenNotice(row[0], bool(row[1]), int(row[2])) for row in rows], int(total or 0)


def _has(term: str, *, prefix: bool = False) -> ColumnElement[bool]:
    # Terms are letters and digits only (index_term), so nothing in them is a LIKE wildcard.
    return Notice.search_terms.like(f"% {term}{'%' if prefix else ' %'}")


def _found_by(word: QueryWord) -> ColumnElement[bool]:
    """A compound word (事業承継) needs each of its tokens, a phrase (補助金を使いたい) any; or a curated synonym of
    the whole word; or all of its bigrams (the word as a string)."""
    alternatives: list[ColumnElement[bool]] = []
    token_clauses = [or_(*(_has(term) for term in (*token.terms, *token.synonym_terms))) for token in word.tokens]
    if token_clauses:
        alternatives.append(and_(*token_clauses) if word.conjunctive else or_(*token_clauses))
    alternatives.extend(_has(term) for term in word.curated_terms)
    if word.bigram_terms:
        alternatives.append(and_(*(_has(term, prefix=word.prefix) for term in word.bigram_terms)))
    return or_(*alternatives) if alternatives else false()
