"""`python -m ui.serve [streamlit options]`: `streamlit run app.py` with the router in charge from the start.

Streamlit treats a folder named `pages/` as legacy (v1) navigation until the first `st.navigation`
call in the process. A fresh server whose first request is a page URL (a bookmark, a reload after a
restart) would then serve that page without our router: file names in the sidebar, no home page.
Clearing the flag before the server starts makes `app.py`'s `st.navigation` decide every time.

Before serving, what a killed server left behind goes (uploads of servers that ended, a half-done
ingest's `.staging` and `.tmp-*.parquet`, table files no version refers to): at start, not when
someone next opens Home, so a server whose users only open bookmarked views is clean too.
"""

from __future__ import annotations

import logging
import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from core.data.uploads import sweep_at_start


def main() -> None:
    # failed training jobs, cache retrains and refused model folders reach the server's console
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    PagesManager.uses_pages_directory = False
    swept = sweep_at_start()  # no session is alive yet: every upload folder of an ended server goes
    if swept:
        logging.getLogger(__name__).info("start-up sweep removed %d leftovers of stopped servers", swept)
    sys.argv = ["streamlit", "run", "app.py", *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
