"""The calendar feed's address, served beside the dashboard by ``serve.py`` (Streamlit's
``st.App`` routes): ``/calendar/SECRET.ics`` answers with that person's calendar, no sign-in,
since calendar clients cannot sign in; the secret in the address is the key."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from outcomes.errors import Busy
from outcomes.outputs import feeds
from ui.state import cursor


def _calendar(token: str) -> bytes | None:
    cur = cursor()  # the process's one connection: DuckDB lets no second program open the file
    email = feeds.token_person(cur, token)
    return None if email is None else feeds.person_calendar(cur, email)


async def calendar_feed(request: Request) -> Response:
    try:
        body = await run_in_threadpool(_calendar, request.path_params["token"])
    except Busy:
        return PlainTextResponse(
            "The database is busy; the calendar will be fetched again later.",
            status_code=503,
            headers={"Retry-After": "300"},
        )
    if body is None:
        # The same answer for a secret never made and one reset: nothing to learn by guessing.
        return PlainTextResponse(
            "This calendar address is not known here (it may have been replaced): make a new "
            'one from "Your calendar" in the dashboard\'s sidebar.',
            status_code=404,
        )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=3600"},
    )
