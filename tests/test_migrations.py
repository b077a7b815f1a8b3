"""Every service's Alembic migrations build exactly the schema its models describe, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from analytics.models import Base as AnalyticsBase
from banso_core.db import Database
from exchange.models import Base as ExchangeBase
from notices.models import Base as NoticesBase
from org_records.models import Base as OrgRecordsBase

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    ("migrations", "metadata"),
    [
        ("org_records:migrations", OrgRecordsBase.metadata),
        ("exchange:migrations", ExchangeBase.metadata),
        ("notices:migrations", NoticesBase.metadata),
        ("analytics:migrations", AnalyticsBase.metadata),
    ],
)
async def test_migrations_match_models(database_url, migrations, metadata):
    database = await Database.open(database_url, migrations=migrations)
    try:
        async with database.engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), metadata)
            )
    finally:
        await database.close()
    assert differences == []
