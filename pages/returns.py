"""Your returns: a lead types the quarter's figures (checked, previewed and confirmed as an
uploaded return is), keeps a draft, and sees what became of what they sent; an approver approves
or returns what waits for them; an analyst sees the quarter at a glance."""

from datetime import date

import pandas as pd
import streamlit as st

from loaders import periods
from outcomes.errors import Refused
from outcomes.rules import wording
from outcomes.workflows import approval, quarter, typed_returns, uploads
from ui import auth, data, markup, preview, problems, remind_control
from ui import components as ui
from ui.router import require_router
from ui.state import cursor

require_router()
version = data.version()
summary = data.priority_summary(version)
titles = dict(zip(summary["id"], summary["title"], strict=True))
person = auth.acting()

st.title("Your returns")
if flash := st.session_state.pop("returns_flash", None):
    ui.done(flash)
if person is None:
    st.info(
        "Sign in (or, on the demo, choose who you are in the sidebar) to type your figures.",
        icon=":material/lock:",
    )
    st.stop()


def _chosen_priority(owed: dict) -> str | None:
    """The priority in the link when this person reports on it; a link to one they do not
    (any more) says so and opens on their own."""
    wanted = st.query_params.get("priority")
    if wanted is not None and wanted not in owed:
        name = titles.get(wanted, wanted)
        mine = wording.join_and([titles.get(p, p) for p in owed]) or "no priority yet"
        st.warning(
            f"{ui.plain(person.name)} does not report on {ui.plain(name)} (any more): "
            f"the returns here are for {ui.plain(mine)}. Ask an administrator if that is wrong.",
            icon=":material/block:",
        )
        wanted = None
    options = list(owed)
    if not options:
        return None
    current = wanted or options[0]
    key = f"returns_priority_{current}"
    st.selectbox(
        "Priority",
        options,
        index=options.index(current),
        format_func=lambda pid: titles.get(pid, pid),
        key=key,
        on_change=lambda: st.query_params.update(priority=st.session_state[key]),
    )
    return current


def _period_choices(due) -> list[str]:
    """The return owed first, then the quarters before it (to correct a figure)."""
    latest = due.period if due.overdue else due.period.previous()
    return list(dict.fromkeys([due.period.code, *(latest.previous(n).code for n in range(4))]))


def _typed(rows, key: str):
    """The form's rows with what is typed in them now."""
    typed = rows.copy()
    for column in typed_returns.TYPED:
        typed[column] = [st.session_state.get(f"{key}_{column}_{i}") for i in range(len(rows))]
    return typed


def _figure_fields(rows, key: str) -> None:
    """A figure, its commentary and a blockage tick for each row, one under another (a phone
    is 390 px wide), with the last figure, target and unit to type against."""
    for i, r in enumerate(rows.to_dict("records")):
        with st.container(border=True):
            st.markdown(f"**{ui.plain(r['label'])}**  \n{ui.plain(r['indicator'])}")
            st.caption(ui.plain(typed_returns.facts(r)))
            st.text_input(
                f"Figure for {r['label']}",
                value=r["value"] or "",
                key=f"{key}_value_{i}",
                placeholder="a number, or n/a with a note in the commentary",
            )
            st.text_area(
                f"Commentary on {r['label']}",
                value=r["commentary"] or "",
                key=f"{key}_commentary_{i}",
                height=80,
            )
            st.checkbox(
                "A blockage for the board",
                value=str(r["blockage"] or "").upper() == "Y",
                key=f"{key}_blockage_{i}",
            )


def _number(value) -> str:
    try:
        return "none" if value is None or value != value else f"{float(value):,.6g}"
    except (TypeError, ValueError):
        # Shown back as typed: a figure that is not a number is the checks' to refuse, not this.
        return str(value)


def _check_and_send(rows, pid: str, period: str, key: str) -> None:
    """The very checks, preview and commit of an uploaded return."""
    typed = _typed(rows, key)
    prepared = typed_returns.prepare_typed(
        cursor(), typed, priority_id=pid, return_period=period, by=person
    )
    if prepared.errors:
        n = len(prepared.errors)
        st.error(
            f"{wording.plural(n, 'problem')} to put right before this return can be sent. "
            "Nothing has been written."
        )
        problems.show(prepared.errors, place=problems.named)
    if prepared.warnings:
        st.warning(f"{wording.plural(len(prepared.warnings), 'warning')}: check each figure.")
        problems.show(prepared.warnings, place=problems.named)
    infos = [p for p in prepared.problems if p.severity == "info"]
    if infos:
        problems.notes(infos, wording.plural(len(infos), "note"), place=problems.named)
    if prepared.errors:
        return
    if prepared.already_loaded is not None:
        st.info("Every figure here has been sent already: nothing to send.")
        return
    st.subheader("What sending it would change")
    # Confirming commits exactly the preview this person saw on the last run, or is refused
    # when someone else has changed these figures since (as on the upload page).
    seen = st.session_state.get(f"{key}_seen")
    shown = uploads.preview(cursor(), prepared)
    preview.show(shown)
    rule = approval.rule(cursor(), pid)
    if rule.required:
        st.info(
            f"Once sent, it waits for approval by {ui.plain(rule.approver_words(cursor()))}; "
            "the board sees it only then.",
            icon=":material/approval:",
        )
    accepted = True
    if prepared.warnings:
        accepted = st.checkbox(
            "I have checked the warnings and these figures are right", key=f"{key}_accept"
        )
    if st.button("Confirm and send", type="primary", disabled=not accepted, key=f"{key}_send"):
        try:
            said = typed_returns.submit(
                cursor(),
                prepared,
                priority_id=pid,
                return_period=period,
                by=person,
                accept_warnings=accepted,
                previewed=seen[1] if seen and seen[0] == prepared.sha256 else shown,
            )
        except Refused as err:
            problems.refused(err)
        else:
            st.session_state["returns_flash"] = said
            st.session_state["returns_round"] = st.session_state.get("returns_round", 0) + 1
            st.session_state.pop("returns_checked", None)
            st.rerun()
    st.session_state[f"{key}_seen"] = (prepared.sha256, shown)


def _type_figures() -> None:
    owed = typed_returns.owed(cursor(), person)
    pid = _chosen_priority(owed)
    if pid is None:
        st.info("No priority's return is yours to send.")
        return
    due = owed[pid]
    choices = _period_choices(due)
    linked = typed_returns.read_period(st.query_params.get("period"))
    if linked is not None and linked.code not in choices:
        choices.insert(0, linked.code)
    period = st.selectbox(
        "Return period",
        choices,
        index=choices.index(linked.code if linked is not None else due.period.code),
        format_func=wording.period,
        key=f"returns_period_{pid}_{linked.code if linked else ''}",
        help="Opens on your next return due; earlier quarters are here to correct a figure.",
    )
    if period == due.period.code:
        (st.warning if due.overdue else st.info)(due.sentence)
    if periods.parse_code(period).end >= date.today():
        # Its figures would be refused as not finished yet; say so rather than offer the boxes.
        st.caption("Choose an earlier quarter to correct a figure already sent.")
        return
    sent = approval.submissions(cursor(), state="submitted", submitted_by=person.email)
    if not sent[(sent["priority_id"] == pid) & (sent["period"] == period)].empty:
        st.info(
            "Your return for this quarter waits for approval; figures sent again go to the "
            "approver too, and the latest counts once approved.",
            icon=":material/hourglass_top:",
        )
    rows = typed_returns.form_rows(cursor(), pid, period, person=person)
    if rows.empty:
        st.info("Nothing is due from this priority in that period.")
        return
    saved = typed_returns.draft_saved_at(cursor(), person, pid, period)
    if saved is not None:
        st.caption(f"Your draft of {periods.long_datetime(saved)} is filled in below.")
    key = f"typed_{pid}_{period}_{st.session_state.get('returns_round', 0)}".replace(" ", "_")
    with st.form(key=f"{key}_form", border=False):
        _figure_fields(rows, key)
        left, right = st.columns(2)
        draft = left.form_submit_button("Save draft", icon=":material/save:")
        check = right.form_submit_button("Check and preview", type="primary")
    if draft:
        ui.attempt(
            lambda: typed_returns.save_draft(
                cursor(), _typed(rows, key), priority_id=pid, return_period=period, by=person
            ),
            "returns_flash",
        )
    if check:
        st.session_state["returns_checked"] = key
    if st.session_state.get("returns_checked") == key:
        _check_and_send(rows, pid, period, key)


def _sent() -> None:
    mine = approval.submissions(cursor(), submitted_by=person.email)
    if mine.empty:
        return
    st.header("What you sent for approval", divider="gray")
    for r in mine.head(10).to_dict("records"):
        when = periods.long_datetime(r["submitted_at"])
        line = (
            f"**{ui.plain(r['priority'])}, {ui.plain(wording.period(r['period']))}**: sent {when}; "
        )
        if r["state"] == "submitted":
            line += "waiting for approval."
        elif r["state"] == "approved":
            line += f"approved by {ui.plain(r['decided_by'])}."
        else:
            line += (
                f"returned by {ui.plain(r['decided_by'])}: “{ui.plain(r['reason'])}”. "
                "Put it right above and send it again."
            )
        st.markdown(line)


def _approve() -> None:
    waiting = approval.waiting(cursor(), person)
    if waiting.empty:
        return
    st.header("Waiting for your approval", divider="gray")
    for r in waiting.to_dict("records"):
        upload_id = int(r["upload_id"])
        with st.container(border=True):
            st.markdown(
                f"**{ui.plain(r['priority'])}, {ui.plain(wording.period(r['period']))}**, sent by "
                f"{ui.plain(r['submitted_by'])} on {periods.long_datetime(r['submitted_at'])}"
            )
            shown = approval.figures(cursor(), upload_id)
            ui.md(
                markup.render(
                    "cards.html",
                    markdown=True,
                    headings=["Indicator", "Period", "Area", "The board sees now", "This return"],
                    rows=[
                        [
                            f"{f['indicator_code']} {f['name']}",
                            wording.period(f["period"]),
                            f["area"] if f["area"] != "all" else "",
                            _number(f["was"]),
                            _number(f["now"]),
                        ]
                        for f in shown.to_dict("records")
                    ],
                )
            )
            reason = st.text_input("Why it goes back (for its lead)", key=f"reason_{upload_id}")
            left, right = st.columns(2)
            if left.button("Approve", type="primary", key=f"approve_{upload_id}"):
                _decide(approval.approve, upload_id)
            if right.button("Return it to its lead", key=f"return_{upload_id}"):
                _decide(approval.send_back, upload_id, reason)


def _decide(action, *args) -> None:
    ui.attempt(lambda: action(cursor(), *args, by=person), "returns_flash")


def _glance() -> None:
    st.header("The quarter at a glance", divider="gray")
    table = quarter.glance(cursor())
    if table.empty:
        st.info("The framework has no priorities yet.")
        return
    st.caption(f"Every priority's return for {wording.period(table['period'].iloc[0])}.")
    ui.md(
        markup.render(
            "cards.html",
            markdown=True,
            headings=["Priority", "Due", "Where it is", "With whom", "Figures in", "Last sent"],
            rows=[
                [
                    r["priority"],
                    periods.long_date(r["due"]),
                    r["state"],
                    r["with_whom"],
                    f"{r['figures_in']} of {r['figures_owed']}",
                    "" if pd.isna(r["last_sent"]) else periods.long_datetime(r["last_sent"]),
                ]
                for r in table.to_dict("records")
            ],
        )
    )


# A lead comes for their own return; an analyst for what waits for them and the quarter as a
# whole, and may type any priority's return below.
if person.role == "lead":
    _type_figures()
    _sent()
    _approve()
else:
    _approve()
    if person.role in ("analyst", "admin"):
        _glance()
        remind_control.remind_now(person)
    if person.may("returns.load"):
        st.header("Type a priority's return", divider="gray")
        _type_figures()
