"""`python -m core.data.prepare` (make run): clear leftovers of earlier runs, make sure the sample exists."""

from __future__ import annotations

import time

from core.data.sample import sample_workspace
from core.data.uploads import sweep_at_start


def main() -> None:
    t0 = time.time()
    swept = sweep_at_start()  # leftovers of killed ingests and uploads of servers that ended
    if swept:
        print(f"removed {swept} leftover file(s) of earlier runs")
    ws = sample_workspace()
    print(
        f"sample workspace ready at {ws.path} ({time.time() - t0:.1f} s): "
        + ", ".join(f"{t.table} {t.rows:,}" for t in ws.tables())
    )


if __name__ == "__main__":
    main()
