"""Reminders sent by the dashboard itself, each morning at ``OUTCOMES_REMIND_AT`` (serve.py's
lifespan). DuckDB lets one program open the database file, so while the dashboard serves it a
cron job's ``python -m outcomes remind`` is refused; the process that holds the file sends them.

On starting after that time of day, it sends the day's at once: the once-a-day record
(``reminder_sent``) keeps a restart from sending anything twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from streamlit.logger import get_logger

from outcomes.errors import Refused
from outcomes.workflows import reminders
from ui.state import cursor

log = get_logger("outcomes.workflows.reminders")


def _send_today() -> None:
    done = reminders.remind(cursor(), by=reminders.DAILY)
    log.info("reminders: %d sent", len(done.reminders))
    for said in done.unreached_words():
        log.warning("reminders: %s", said)


async def _run_once() -> None:
    try:
        await run_in_threadpool(_send_today)
    except Refused as err:  # the mail server unreachable, the database busy: tomorrow again
        log.warning("reminders not sent: %s", err)
    except Exception:  # a fault must never stop the dashboard serving
        log.exception("reminders failed")


async def _every_day(at: tuple[int, int]) -> None:
    now = datetime.now()
    if now >= now.replace(hour=at[0], minute=at[1], second=0, microsecond=0):
        await _run_once()
    while True:
        now = datetime.now()
        await asyncio.sleep((reminders.next_run(now, at) - now).total_seconds())
        await _run_once()


@asynccontextmanager
async def daily_reminders(app: Any) -> AsyncIterator[None]:
    """st.App's lifespan: the morning's reminders, for as long as the dashboard serves."""
    at = reminders.remind_at()
    task = asyncio.create_task(_every_day(at)) if at else None
    try:
        yield None
    finally:
        if task is not None:
            task.cancel()
