"""People and roles: who the partnership knows, what each may do, and adding, changing or
removing them; the deployment's partnerships and commissioners (administrators only; the core
refuses anyone else anyway)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders import periods
from outcomes.errors import Refused
from outcomes.outputs import public
from outcomes.storage import people
from outcomes.storage.store import resolve_db_path
from outcomes.workflows import approval, partnerships
from ui import auth, data, problems, state
from ui import components as ui
from ui.router import require_router
from ui.state import cursor

require_router()
person = auth.acting()
summary = data.priority_summary(data.version())
titles = dict(zip(summary["id"], summary["title"], strict=True))

st.title("People and roles")
if person is None or not person.may("people.manage"):
    st.info("Only an administrator can see and change who has which role.", icon=":material/lock:")
    st.stop()

if flash := st.session_state.pop("admin_flash", None):
    ui.done(flash)


def _done(message: str) -> None:
    st.session_state["admin_flash"] = message
    st.session_state["admin_gen"] = st.session_state.get("admin_gen", 0) + 1
    st.rerun()


gen = st.session_state.get("admin_gen", 0)
st.caption(
    "People sign in with their organisation's account; the e-mail address it gives is matched "
    "to this list. Removing someone stops them signing in and keeps everything they did, under "
    "their name, in the audit trail."
)

known = people.people(cursor())
table = known.assign(
    Role=[people.ROLE_WORDS[r] for r in known["role"]],
    Priorities=[", ".join(titles.get(p, p) for p in ps) for ps in known["priorities"]],
    State=["can sign in" if a else "removed" for a in known["active"]],
).rename(columns={"name": "Name", "email": "E-mail address"})
st.dataframe(
    table[["Name", "E-mail address", "Role", "Priorities", "State"]],
    hide_index=True,
    width="stretch",
)

with st.expander("What each role may do"):
    rows = []
    for permission in people.PERMISSIONS.values():
        scopes = [
            f"{people.ROLE_WORDS[role]}" + ("" if scope == people.ANY else f" ({scope})")
            for role, scope in permission.roles.items()
        ]
        rows.append(f"- **{ui.plain(permission.words.capitalize())}**: {', '.join(scopes)}")
    st.markdown("\n".join(rows) + "\n\nEveryone signed in can read every page and the board pack.")

add, change = st.columns(2, gap="large")
with add, st.form(f"add_person_{gen}"):
    st.subheader("Add someone")
    email = st.text_input("E-mail address", placeholder="name@council.gov.uk")
    name = st.text_input("Name", placeholder="as the board knows them")
    role = st.selectbox("Role", people.ROLES, format_func=people.ROLE_WORDS.get, index=0)
    chosen = st.multiselect(
        "Priorities (for a priority lead)", list(titles), format_func=titles.get
    )
    if st.form_submit_button("Add", type="primary"):
        try:
            _done(
                people.add_person(
                    cursor(), email, name=name, role=role, priorities=chosen, by=person
                )
            )
        except Refused as err:
            problems.refused(err)

active = known[known["active"]]
with change:
    st.subheader("Change or remove someone")
    labels = {r.email: f"{r.name} <{r.email}>" for r in active.itertuples()}
    target = st.selectbox(
        "Person",
        list(labels),
        index=None,
        placeholder="Choose someone",
        format_func=labels.get,
        key=f"admin_target_{gen}",
    )
    if target is not None:
        found = people.find(cursor(), target)
        with st.form(f"change_person_{target}_{gen}"):
            new_name = st.text_input("Name", value=found["name"])
            new_role = st.selectbox(
                "Role",
                people.ROLES,
                index=people.ROLES.index(found["role"]),
                format_func=people.ROLE_WORDS.get,
            )
            new_priorities = st.multiselect(
                "Priorities (for a priority lead)",
                list(titles),
                default=[p for p in found["priorities"] if p in titles],
                format_func=titles.get,
            )
            if st.form_submit_button("Save the change", type="primary"):
                try:
                    _done(
                        people.change_person(
                            cursor(),
                            target,
                            name=new_name,
                            role=new_role,
                            priorities=new_priorities if new_role == "lead" else [],
                            by=person,
                        )
                    )
                except Refused as err:
                    problems.refused(err)
        sure = st.checkbox(
            f"Yes, remove {ui.plain(found['name'])}: they can no longer sign in",
            key=f"remove_sure_{gen}",
        )
        if st.button("Remove", disabled=not sure, key=f"remove_{gen}"):
            try:
                _done(people.remove_person(cursor(), target, by=person))
            except Refused as err:
                problems.refused(err)


st.subheader("Partnerships", divider="gray")
# Issue 19: the partnerships this deployment serves, each with its own framework, figures and
# people; the same core functions as `python -m outcomes partnership add|commissioner`.
st.dataframe(
    pd.DataFrame(partnerships.summary(state.store())).rename(
        columns={"id": "Id", "name": "Name", "priorities": "Priorities",
                 "indicators": "Indicators", "people": "People"}
    ),
    hide_index=True,
    width="stretch",
)  # fmt: skip
ids = [p.id for p in state.registered(str(resolve_db_path()))]
new_one, commissioner = st.columns(2, gap="large")
with new_one, st.form(f"add_partnership_{gen}"):
    st.subheader("Add a partnership")
    new_id = st.text_input("Id", placeholder="torbay", help="In its addresses and commands.")
    new_name = st.text_input("Its name", placeholder="Safer Communities Torbay")
    st.caption(
        "You become its first administrator. Choose it in the sidebar, then import its "
        "framework on Data and exports."
    )
    if st.form_submit_button("Add the partnership", type="primary"):
        try:
            made = partnerships.add(state.store(), new_id, name=new_name, by=person)
        except Refused as err:
            problems.refused(err)
        else:
            state.registered.clear()
            _done(f"{made.name} added, as {made.id}.")
with commissioner, st.form(f"add_commissioner_{gen}"):
    st.subheader("A commissioner across partnerships")
    c_email = st.text_input(
        "Commissioner's e-mail address", placeholder="name@opcc.police.uk", key="c_email"
    )
    c_name = st.text_input("Commissioner's name", key="c_name")
    spanned = st.multiselect("Partnerships they hold to account", ids)
    if st.form_submit_button("Give the commissioner role", type="primary"):
        try:
            said = partnerships.add_commissioner(
                state.store(), c_email, name=c_name, partnership_ids=spanned, by=person
            )
        except Refused as err:
            problems.refused(err)
        else:
            _done(said)


st.subheader("The public view", divider="gray")
# The same core function as `python -m outcomes public on|off`, which refuses anyone but an
# administrator whichever way it is reached; here the dashboard need not stop to switch it.
facts = public.public_view_facts(cursor())
said = f"The public view for residents and scrutiny is **{'on' if facts['enabled'] else 'off'}**"
if facts["changed_by"]:
    said += (
        f" (switched by {ui.plain(facts['changed_by'])} on "
        f"{periods.long_datetime(facts['changed_at'])})"
    )
st.markdown(
    f"{said}. It shows {facts['public_indicators']} of {facts['indicators']} indicators, "
    "those the framework marks public, with small numbers suppressed."
)
switch_to = not facts["enabled"]
if st.button(
    "Switch the public view on" if switch_to else "Switch the public view off",
    key="public_view_switch",
    type="primary" if switch_to else "secondary",
):
    try:
        public.set_public_view(cursor(), switch_to, by=person)
    except Refused as err:
        problems.refused(err)
    else:
        _done(
            "The public view is now on: anyone with the link can see it."
            if switch_to
            else "The public view is now off: only people signed in see it, as a preview."
        )


st.subheader("Approval of returns", divider="gray")
# The same core function as `python -m outcomes approval on|off`.
scope = st.selectbox(
    "For",
    [approval.PARTNERSHIP, *titles],
    format_func=lambda s: "The whole partnership" if s == approval.PARTNERSHIP else titles[s],
    key=f"approval_scope_{gen}",
)
rule = approval.rule(cursor(), scope)
rule_words = (
    f"wait for approval by {rule.approver_words(cursor())}"
    if rule.required
    else "count as soon as their lead confirms them"
)
st.markdown(f"Returns here **{ui.plain(rule_words)}**.")
with st.form(key=f"approval_form_{gen}", border=False):
    required = st.checkbox(
        "A lead's return waits for approval before the board sees it",
        value=rule.required,
        key=f"approval_required_{gen}",
    )
    everyone = people.people(cursor(), include_removed=False)
    emails = ["", *everyone["email"]]
    names = dict(zip(everyone["email"], everyone["name"], strict=True))
    approver = st.selectbox(
        "Approved by",
        emails,
        index=emails.index(rule.approver_email) if rule.approver_email in emails else 0,
        format_func=lambda e: names.get(e, "Any analyst") if e else "Any analyst",
        key=f"approval_approver_{gen}",
    )
    if st.form_submit_button("Save the rule"):
        try:
            _done(
                approval.set_rule(
                    cursor(),
                    required=required,
                    priority_id=None if scope == approval.PARTNERSHIP else scope,
                    approver_email=approver or None,
                    by=person,
                )
            )
        except Refused as err:
            problems.refused(err)
