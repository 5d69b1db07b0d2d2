"""One priority: the four-column table, its indicators with status, trend charts, the leads'
commentary (with any status override and blockage) and the form to add commentary."""

from datetime import date

import streamlit as st

from loaders import periods
from outcomes.errors import Refused
from outcomes.outputs import public
from outcomes.queries import board
from outcomes.rules import status, wording
from outcomes.workflows import meetings
from ui import auth, data, markup, problems
from ui import components as ui
from ui import statistics as ui_statistics
from ui.router import require_router
from ui.state import cursor

require_router()
version = data.version()
summary = data.priority_summary(version)
titles = dict(zip(summary["id"], summary["title"], strict=True))
if not titles:
    st.title("Priority")
    st.info("The framework has no priorities yet: import one with priorities to see them here.")
    st.stop()

tier_of = dict(zip(summary["id"], summary["tier"], strict=True))
chosen = ui.choose(
    "Priority",
    list(titles),
    "priority",
    lambda pid: f"{tier_of[pid]}: {titles[pid]}",
    "pages/priority.py",
)
row = summary.set_index("id").loc[chosen].to_dict()
detail = board.priority(cursor(), chosen)
ratings = data.indicator_ratings(version)
own = ratings[ratings["priority_id"] == chosen]

OVERRIDE_CHOICES = ["none", *status.STATUSES]
READ_MORE = 600  # characters of each part of a commentary shown before "read the whole"


def _period_choices(r: dict) -> list[str]:
    """The indicator's periods with figures, newest first; or the recent periods if none."""
    history = data.history(version, r["indicator_code"])
    if not history.empty:
        return list(history["period"])[::-1]
    kind = periods.FREQUENCY_KIND[r["frequency"]]
    latest = periods.period_containing(data.basics(version)["as_at"] or date.today(), kind)
    return [latest.previous(n).code for n in range(0, 6)]


def _show_commentary(r: dict) -> None:
    code = r["indicator_code"]
    if r["status_override"]:
        ui.md(markup.render("override.html", markdown=True, r=r))
    note = data.commentary(version, code, r["period"])
    if note is None:
        st.caption("No commentary yet from the accountable person.")
        return
    period = ui.period_label(note["period"])
    parts = (note["narrative"], note["actions_taken"], note["blockage_detail"])
    if max(len(str(t or "")) for t in parts) <= READ_MORE:
        ui.md(markup.render("commentary.html", markdown=True, note=note, period=period))
        _publish_control(code, note)
        return
    # A long commentary: its beginning on the page, all of it a click away, so one lead's
    # essay does not push every other indicator out of sight.
    ui.md(
        markup.render("commentary.html", markdown=True, note=note, period=period, limit=READ_MORE)
    )
    with st.expander("Read the whole commentary", key=f"read_more_{code}"):
        ui.md(markup.render("commentary.html", markdown=True, note=note, period=period))
    _publish_control(code, note)


def _publish_control(code: str, note: dict) -> None:
    """Whether the commentary shown is in the public view, and, for whoever may write
    commentary here, a button to publish it (one sent in a return, say) or withdraw it."""
    if note["published"]:
        st.caption("Published in the public view (its story and what is being done).")
    person = auth.acting()
    if person is None or not person.may("commentary.add", priorities=[chosen]):
        return
    if not note["published"] and not public.publishable(note):
        return  # a blockage's words only: never published
    label = (
        "Withdraw it from the public view" if note["published"] else "Publish it in the public view"
    )
    if st.button(label, key=f"publish_{code}", icon=":material/public:"):
        try:
            public.mark_published(cursor(), int(note["id"]), not note["published"], by=person)
        except Refused as err:
            problems.refused(err)
        else:
            st.session_state[f"commentary_flash_{code}"] = (
                f"The commentary on {code} is {'withdrawn from' if note['published'] else 'now in'} "
                "the public view."
            )
            st.rerun()


def _commentary_form(r: dict) -> None:
    person = auth.acting()
    # Commentary and overrides belong to the priority's lead (and analysts, for commentary):
    # the form is offered only to someone who may write it, and the core checks again.
    if person is None or not person.may("commentary.add", priorities=[chosen]):
        return
    may_override = person.may("status.override", priorities=[chosen])
    code = r["indicator_code"]
    gen = st.session_state.get(f"commentary_gen_{code}", 0)
    with st.expander("Add commentary", key=f"commentary_exp_{code}"), st.form(f"commentary_{code}"):
        choices = _period_choices(r)
        period = st.selectbox(
            "Period",
            choices,
            format_func=ui.period_label,
            key=f"c_{code}_period_{gen}",
            help="The latest period with figures is chosen for you.",
        )
        narrative = st.text_area(
            "The story behind the curve",
            key=f"c_{code}_narrative_{gen}",
            placeholder="Why the figures look as they do.",
            max_chars=meetings.COMMENTARY_MAX_CHARS,
        )
        actions_taken = st.text_area(
            "What is being done",
            key=f"c_{code}_actions_{gen}",
            max_chars=meetings.COMMENTARY_MAX_CHARS,
        )
        blockage = st.checkbox("⚑ Escalate a blockage to the board", key=f"c_{code}_blockage_{gen}")
        blockage_detail = st.text_area(
            "What is blocked, and what you need from the board",
            key=f"c_{code}_detail_{gen}",
            max_chars=meetings.COMMENTARY_MAX_CHARS,
        )
        override, reason = "none", ""
        if may_override:
            override = st.selectbox(
                "Override the status (optional)",
                OVERRIDE_CHOICES,
                format_func=lambda s: "No override" if s == "none" else status.badge_text(s),
                key=f"c_{code}_override_{gen}",
                help="Only the priority's lead, and only with a reason. Both statuses are shown.",
            )
            reason = st.text_input("Reason for the override", key=f"c_{code}_reason_{gen}")
        published = st.checkbox(
            "Publish the story and what is being done in the public view",
            key=f"c_{code}_published_{gen}",
            help="Residents and scrutiny then read them (never a blockage or an override's "
            "reason). Write no figure of fewer than 8 people in published text.",
        )
        st.caption(f"Recorded under {ui.plain(person.label)}.")
        if st.form_submit_button("Add commentary", type="primary"):
            try:
                meetings.add_commentary(
                    cursor(),
                    code,
                    period,
                    by=person,
                    narrative=narrative.strip() or None,
                    actions_taken=actions_taken.strip() or None,
                    blockage=blockage,
                    blockage_detail=blockage_detail.strip() or None,
                    status_override=None if override == "none" else override,
                    override_reason=reason.strip() or None,
                    published=published,
                )
            except Refused as err:
                problems.refused(err)
            else:
                st.session_state[f"commentary_gen_{code}"] = gen + 1
                st.session_state[f"commentary_flash_{code}"] = (
                    f"Commentary for {code} ({wording.period_aside(period)}) added"
                    + (
                        f"; status set to {status.badge_text(override)}"
                        if override != "none"
                        else ""
                    )
                    + "."
                )
                st.rerun()


st.title(ui.plain(detail["title"]))
ui.md(
    markup.render(
        "status_line.html",
        markdown=True,
        state=row["status"],
        note=f"{detail['tier']} tier · priority status is the "
        f"{row['roll_up'].replace('_', ' ')} of its indicators",
    )
)
ui.md(ui.counts_html(row))
st.markdown(
    f"**Lead:** {ui.plain(board.lead_text(detail['lead_role'], detail['lead_partner_name']))}"
)

ui.plan_columns(detail)

st.header("Indicators", divider="gray")
ui_statistics.inject_css()
ui.md(
    markup.render(
        "priority_indicators.html",
        markdown=True,
        rows=own.to_dict("records"),
        levels=board.LEVEL_LABELS,
        polarities=board.POLARITY_LABELS,
        spc={r: ui_statistics.icons_html(version, r) for r in own["indicator_code"]},
    )
)

for r in own.to_dict("records"):
    st.subheader(
        f"{r['indicator_code']}: {ui.plain(r['name'])}", anchor=r["indicator_code"].lower()
    )
    left, right = st.columns([3, 2])
    with left:
        figure = data.trend(version, r["indicator_code"])
        if figure is None:
            st.info("No figures have been reported for this indicator yet.")
        else:
            st.plotly_chart(
                figure,
                key=f"chart_{r['indicator_code']}",
                config={"displayModeBar": False},
            )
        st.caption(ui.plain(r["definition"]))
        ui.facts_and_link(
            [("Accountable", r["accountable_role"]), ("Source", r["source_name"])],
            ("pages/indicator.py", "Full history and definition", ":material/show_chart:"),
            {"indicator": r["indicator_code"]},
        )
    with right:
        ui.md(ui.badge(r["effective_status"], big=True))
        ui.status_facts(
            wording.format_value(r["value"], r["unit"], int(r["decimals"])),
            r["period"],
            wording.format_value(r["target"], r["unit"], int(r["decimals"])),
            r["direction"],
            r["reason"],
            why="the computed" if r["status_override"] else "this",
        )
        _show_commentary(r)
        flash = st.session_state.pop(f"commentary_flash_{r['indicator_code']}", None)
        if flash:
            ui.done(flash)
        _commentary_form(r)
if own.empty:
    st.info("This priority has no indicators yet: add them to the framework file.")
ui.status_key()
