"""`python -m ui.serve [streamlit options]`: `streamlit run app.py` with the router in charge from the start.

Streamlit treats a folder named `pages/` as legacy (v1) navigation until the first `st.navigation`
call in the process. A fresh server whose first request is a page URL (a bookmark, a reload after a
restart) would then serve that page without our router: file names in the sidebar, no home page.
Clearing the flag before the server starts makes `app.py`'s `st.navigation` decide every time.

While the server starts and the first browser loads the page, a background thread sweeps what a
killed server left behind (uploads of servers that ended, a half-done ingest's `.staging` and
`.tmp-*.parquet`, table files no version refers to: at start, not when someone next opens Home, so a
server whose users only open bookmarked views is clean too), makes sure of the sample workspace
(built on the very first start) and imports what the first page needs, so the server answers before
pandas and DuckDB are loaded and the first visitor does not wait for them (issue 29: `make run` to
the first page drawn in <= 5 s).
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading

from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from core.config import default_workspace

# what app.py and the home page import (the heavy part: pandas, DuckDB, plotly, the data layer), and
# what their first run would otherwise import: pandas' Styler (every table's formats; it brings
# matplotlib.pyplot, 0.5-1 s) and Streamlit's emoji list (the page icon)
FIRST_PAGE = (
    "ui.common",
    "ui.home",
    "ui.sources",
    "ui.present",
    "ui.cache",
    "core.data.view",
    "core.capabilities",
    "pandas.io.formats.style",
    "streamlit.emojis",
)


def warm_up() -> None:
    """The start-up sweep, the sample workspace made sure of, the first page's modules imported (never
    torch) and, when the sample is the workspace the first visitor opens, its home page figures and
    version lists read. The sweep goes first: no page can be open yet (the browser has yet to load the app), so
    every upload folder is an ended server's; the home page's own `sweep_at_start` is then a no-op."""
    log = logging.getLogger(__name__)
    try:
        # imported here on purpose: their imports (pandas, DuckDB) are warm-up work, not the server's start
        from core.data.sample import sample_workspace
        from core.data.uploads import sweep_at_start

        swept = sweep_at_start()
        if swept:
            log.info("start-up sweep removed %d leftovers of stopped servers", swept)

        ws = sample_workspace()
        log.info("sample workspace ready at %s", ws.path)
        for name in FIRST_PAGE:
            importlib.import_module(name)
        from core.data.workspace import SAMPLE_NAME, list_workspaces
        from ui.cache import catalogued, load_home
        from ui.home import version_history

        if default_workspace() in (None, "", SAMPLE_NAME) and set(list_workspaces()) <= {SAMPLE_NAME}:
            home = catalogued(ws)  # the same caches the page reads (Streamlit's, keyed on table versions)
            load_home(home)
            for info in home.tables():
                version_history(home, info.table)
    except Exception:  # noqa: BLE001 - the page does the same work and shows any error in words
        log.exception("warming up failed; the first page will do it")


def lighten_start() -> None:
    """Leave out start-up work this app does not need (issue 29: `make run` to the first page in
    <= 5 s): Streamlit's runtime scans every installed package's metadata for custom components (v2)
    before the server answers, ~0.65 s on two cores; this app ships and loads none."""
    BidiComponentManager.discover_and_register_components = _no_components  # type: ignore[method-assign]


def _no_components(self, *args, **kwargs) -> None:
    """What the component scan finds here: nothing (no package installed declares a component)."""


def main() -> None:
    # failed training jobs, cache retrains and refused model folders reach the server's console
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    PagesManager.uses_pages_directory = False
    lighten_start()
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", "app.py", *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
