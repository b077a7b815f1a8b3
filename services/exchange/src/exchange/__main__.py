"""`python -m exchange`: serve it on the ports its environment settings name.

`python -m exchange rebuild`: empty the store and rebuild it from the goals stream (see exchange.rebuild), with
the database and NATS its environment settings name; progress is printed as it goes.
"""

import asyncio
import sys

import nats

from banso_core.db import Database
from banso_core.service import run_service
from exchange.app import create_app
from exchange.config import ExchangeSettings
from exchange.db import MIGRATIONS
from exchange.rebuild import RebuildProgress, rebuild_from_stream


async def rebuild(settings: ExchangeSettings) -> None:
    database = await Database.open(settings.database_url, migrations=MIGRATIONS)
    client = await nats.connect(settings.nats_url)
    try:

        def report(progress: RebuildProgress) -> None:
            print(f"\rrebuilding: {progress.line()}", end="", flush=True)

        progress = await rebuild_from_stream(database, client.jetstream(), report=report)
        print(f"\nrebuilt in {progress.seconds:.1f} s: {progress.line()}")
    finally:
        await client.close()
        await database.close()


if __name__ == "__main__":
    if sys.argv[1:] == ["rebuild"]:
        asyncio.run(rebuild(ExchangeSettings()))
    elif sys.argv[1:]:
        sys.exit(f"usage: python -m exchange [rebuild]  (unknown arguments {sys.argv[1:]})")
    else:
        run_service(create_app, ExchangeSettings())
