"""`python -m core.data.prepare`: make sure the sample workspace exists before the app starts (make run)."""

from __future__ import annotations

import time

from core.data.workspace import sample_workspace


def main() -> None:
    t0 = time.time()
    ws = sample_workspace()
    print(f"sample workspace ready at {ws.path} ({time.time() - t0:.1f} s): "
          + ", ".join(f"{t.table} {t.rows:,}" for t in ws.tables()))


if __name__ == "__main__":
    main()
