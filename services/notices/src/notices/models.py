"""Every table of the service, so that migrations see the whole schema."""

from notices.audit.models import NoticeAuditEntry
from notices.comment.models import NoticeComment
from notices.db import Base
from notices.notice.models import Notice, NoticeTarget
from notices.outbox.models import OutboxMessage
from notices.receipt.models import NoticeRead

__all__ = ["Base", "Notice", "NoticeAuditEntry", "NoticeComment", "NoticeRead", "NoticeTarget", "OutboxMessage"]
