"""The dashboard's entry point: page set-up, navigation and the shared sidebar. Nothing else."""

import streamlit as st

from loaders import periods
from outcomes.errors import Busy
from ui import auth, calendar_control, components, data, pack_control, router
from ui import partnerships as partnership_choice
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


def _dashboard_pages(visitor: auth.Visitor) -> list:
    """The dashboard's own pages; the first is the home page."""
    found = [
        st.Page(
            "pages/overview.py",
            title="Plan on a page",
            icon=":material/dashboard:",
            url_path="overview",
            default=True,
        ),
        st.Page("pages/priority.py", title="Priority", icon=":material/flag:", url_path="priority"),
        st.Page(
            "pages/indicator.py",
            title="Indicator",
            icon=":material/show_chart:",
            url_path="indicator",
        ),
        st.Page(  # issue 11: comparison with similar areas
            "pages/compare.py",
            title="How we compare",
            icon=":material/compare_arrows:",
            url_path="compare",
        ),
        st.Page(
            "pages/upload.py",
            title="Quarterly return",
            icon=":material/upload_file:",
            url_path="upload",
        ),
        st.Page(  # issue 20: figures typed in the browser, approval, the quarter at a glance
            "pages/returns.py",
            title="Your returns",
            icon=":material/edit_note:",
            url_path="returns",
            visibility="visible"
            if visitor.may("returns.load") or visitor.may("returns.approve")
            else "hidden",
        ),
        st.Page(
            "pages/meeting.py",
            title="Meetings and actions",
            icon=":material/groups:",
            url_path="meeting",
        ),
        st.Page(  # issue 9: the analyst while the dashboard runs
            "pages/figures.py",
            title="Public figures",
            icon=":material/query_stats:",
            url_path="figures",
        ),
        st.Page(
            "pages/data.py",
            title="Data and exports",
            icon=":material/database:",
            url_path="data",
        ),
        st.Page(
            "pages/present.py",
            title="Presentation mode",
            icon=":material/slideshow:",
            url_path="present",
        ),
    ]
    # Issue 19: listed for a commissioner; reachable by its address, where it says who may.
    found.append(
        st.Page(
            "pages/force.py",
            title="Force area",
            icon=":material/hub:",
            url_path="force",
            visibility="visible"
            if visitor.person is not None and visitor.person.role == "commissioner"
            else "hidden",
        )
    )
    # Listed for administrators; reachable by its address for anyone, where it says who may.
    found.append(
        st.Page(
            "pages/admin.py",
            title="People and roles",
            icon=":material/manage_accounts:",
            url_path="admin",
            visibility="visible" if visitor.may("people.manage") else "hidden",
        )
    )
    return found


def _gated(view, title: str, icon: str, landing: str) -> list:
    """Every page's address, each answering with ``view`` (the sign-in page, or "not known
    here"): a link someone was sent opens at its own address, not Streamlit's "Page not
    found", and that address is where they arrive once signed in (ui/auth.py)."""
    paths = [p.url_path for p in _dashboard_pages(auth.Visitor("read-only")) if p.url_path]
    return [
        st.Page(view, title=title, icon=icon, url_path=path, default=path == landing,
                visibility="visible" if path == landing else "hidden")
        for path in [landing, *paths]
    ]  # fmt: skip


def _pages(visitor: auth.Visitor) -> list:
    """The pages this visitor may open: signed-in people (and the demo, and a read-only
    database) see the dashboard; an anonymous visitor the sign-in page at every address (and
    the public view when it is on); someone the partnership does not know, a page saying so."""
    if visitor.mode == "anonymous":
        gate = _gated(auth.sign_in_page, "Sign in", ":material/login:", "sign-in")
        return gate + _public_pages(visitor)
    if visitor.mode == "unknown":
        return _gated(auth.unknown_page, "Not known here", ":material/person_off:", "not-known")
    return _dashboard_pages(visitor) + _public_pages(visitor)


def _menu(pages: list) -> None:
    """The sidebar's list of pages. Streamlit's own is switched off (``showSidebarNavigation``
    in .streamlit/config.toml): on the first visit after a start it listed the pages folder's
    file names ("dashboard, admin, compare…") for seconds before the router replaced them."""
    for p in pages:
        if p.visibility != "hidden":
            st.page_link(p, label=p.title, icon=p.icon)


# Every page, and the sidebar, fail plainly: a message and a way on, never a traceback.
with shown_plainly():
    partnership_choice.settle()  # which partnership's people, figures and pages (issue 19)
    visitor = _visitor()
    pages = _pages(visitor)
    page = st.navigation(pages)
    router.in_app_links(pages)  # links inside the app open without reloading the page
    with st.sidebar:
        partnership_choice.sidebar()
        _menu(pages)
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
            "change · ✓P / ✗F will consistently pass or fail the target · ? hit or miss; after a "
            "sustained shift the icon says its limits are out of date and forecast nothing"
        )

        pack_control.board_pack_popover()
        calendar_control.your_calendar_popover(visitor.person)
        auth.sidebar(visitor)

    page.run()
