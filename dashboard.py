"""The dashboard's entry point: page set-up, navigation and the shared sidebar. Nothing else."""

import streamlit as st

from loaders import periods
from outcomes.errors import Busy
from ui import auth, components, data, pack_control, router
from ui import public as public_view
from ui.failures import shown_plainly

st.set_page_config(
    page_title="Outcomes framework",
    page_icon=":material/dashboard:",
    layout="wide",
    initial_sidebar_state="auto",
)
components.inject_css()


def _public_pages(visitor: auth.Visitor) -> list:
    """The public view's pages (issue 10, item 6): for anonymous visitors only when an
    administrator has switched it on; signed-in people always, as a preview of what residents
    read (its pages say so while it is off)."""
    if visitor.mode == "anonymous" and not public_view.enabled():
        return []
    return public_view.public_pages()


def _visitor() -> auth.Visitor:
    """Who is at the screen. While the command line holds the database, the pages are still
    registered (hidden) before "busy" is shown, so the address is kept and "Try again" opens
    the page that was asked for, not the home page."""
    try:
        return auth.visitor()
    except Busy:
        st.navigation(_pages(auth.Visitor("read-only")), position="hidden")
        raise


# The dashboard's pages: (script, title, icon, address). The first is the home page.
PAGES = [
    ("pages/overview.py", "Plan on a page", ":material/dashboard:", "overview"),
    ("pages/priority.py", "Priority", ":material/flag:", "priority"),
    ("pages/indicator.py", "Indicator", ":material/show_chart:", "indicator"),
    ("pages/compare.py", "How we compare", ":material/compare_arrows:", "compare"),  # issue 11
    ("pages/upload.py", "Quarterly return", ":material/upload_file:", "upload"),
    ("pages/meeting.py", "Meetings and actions", ":material/groups:", "meeting"),
    ("pages/figures.py", "Public figures", ":material/query_stats:", "figures"),  # issue 9
    ("pages/data.py", "Data and exports", ":material/database:", "data"),
    ("pages/present.py", "Presentation mode", ":material/slideshow:", "present"),
    # Listed for administrators; reachable by its address for anyone, where it says who may.
    ("pages/admin.py", "People and roles", ":material/manage_accounts:", "admin"),
]


def _gated(view, title: str, icon: str) -> list:
    """Every page's address, each answering with ``view`` (the sign-in page, or "not known
    here"): a link someone was sent opens that page's own address, not Streamlit's "Page not
    found", and the address is what they come back to once signed in (ui/auth.py)."""
    return [
        st.Page(
            view,
            title=title,
            icon=icon,
            url_path=url_path,
            default=number == 0,
            visibility="visible" if number == 0 else "hidden",
        )
        for number, (_, _, _, url_path) in enumerate(PAGES)
    ]


def _pages(visitor: auth.Visitor) -> list:
    """The pages this visitor may open: signed-in people (and the demo, and a read-only
    database) see the dashboard; an anonymous visitor the sign-in page at every address (and
    the public view when it is on); someone the partnership does not know, a page saying so."""
    if visitor.mode == "anonymous":
        return _gated(auth.sign_in_page, "Sign in", ":material/login:") + _public_pages(visitor)
    if visitor.mode == "unknown":
        return _gated(auth.unknown_page, "Not known here", ":material/person_off:")
    found = [
        st.Page(
            script,
            title=title,
            icon=icon,
            url_path=url_path,
            default=number == 0,
            visibility="visible"
            if url_path != "admin" or visitor.may("people.manage")
            else "hidden",
        )
        for number, (script, title, icon, url_path) in enumerate(PAGES)
    ]
    return found + _public_pages(visitor)


# Every page, and the sidebar, fail plainly: a message and a way on, never a traceback.
with shown_plainly():
    visitor = _visitor()
    pages = _pages(visitor)
    page = st.navigation(pages)
    router.in_app_links(pages)  # links inside the app open without reloading the page
    if public_view.is_public(page):  # the public view's own sidebar: the public pack only
        with st.sidebar:
            public_view.sidebar()
            auth.sidebar(visitor)
        page.run()
        st.stop()
    if visitor.mode in ("anonymous", "unknown"):
        with st.sidebar:
            auth.sidebar(visitor)
        if visitor.mode == "anonymous":
            auth.remember_address(page)  # to come back to after the identity provider
        page.run()
        st.stop()
    if visitor.mode == "signed in":
        auth.return_after_sign_in(page, pages)
    basics = data.basics(data.version())
    with st.sidebar:
        st.markdown(
            f"**{components.plain(basics['partnership'].get('name', 'Outcomes framework'))}**"
        )
        if basics["as_at"] is not None:
            st.caption(
                f"Statuses are judged at {periods.long_date(basics['as_at'])} by the reporting calendar."
            )
        st.caption(
            "Status key: ✔ Green on target · ▲ Amber within tolerance · ✖ Red off target · ○ Not rated"
        )
        st.caption(
            "Signal or noise (SPC): ⬆⬇ special cause of improvement or concern · ≈ no significant "
            "change · ✓P / ✗F will consistently pass or fail the target · ? hit or miss"
        )

        pack_control.board_pack_popover()
        auth.sidebar(visitor)

    page.run()
