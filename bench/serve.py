"""Serving: server start to the first page, each view's first draw warm, and many sessions at once.

    .venv/bin/python bench/serve.py            # the sample workspace (2,000 users), 10 and 20 sessions
    .venv/bin/python bench/serve.py --quick    # the same (the sample is small; `make bench` runs this)

A fresh data folder gets the sample workspace (built before any clock starts). Then, against real
`python -m ui.serve` servers driven by Debian's Chromium (Playwright), issue 29's rows:

- **start**: the clock starts when `make run`'s command is launched (`python -m ui.serve`, the
  virtualenv in place, nothing imported yet) and stops when Chromium shows the home page with its
  script run finished. Floor: <= 5 s.
- **warm draw of each view**: one session clicks through every view in the sidebar (the first visits:
  models load, results are computed); then a new session (a new browser context, as another analyst)
  opens the app and clicks each view: click to the end of that view's script run, with no element of
  the previous page left. Floor: <= 2 s each.
- **10 sessions**: ten new sessions at once, each opening the app and clicking through every view
  twice; p95 of all their draws against the p95 of one session doing the same alone (measured just
  before, same server). Floor: <= 3x. It also prints where the CPU went meanwhile (the server, the
  Chromium processes, the rest): the ten browsers share the server's two cores here.
- **20 sessions on a fresh server**: a second server, nothing computed yet; twenty sessions at once
  click through every view. Floors: every draw finishes (none over DRAW_TIMEOUT_S), and no shared
  result (core.shared_results: per data and settings) was computed twice: the server's log lists
  each computation with its key.

A draw is timed from the click to the end of the script run it started: a MutationObserver counts
the app's `data-test-script-state` changes from running to notRunning (a run that ends between two
polls is not missed), or, where the browser drew both states in one frame, the page's title has
changed; then the run must have finished, no element of the previous page be left, no element still
be loading its code (Streamlit draws a skeleton while a chart's or a table's script chunk loads) and
every chart shown be drawn. Without those last two a view's drawing finished during the next click
(a fresh browser evaluates Plotly's 4.7 MB bundle on the first chart it meets, ~1.2 s on one core
here) and was counted against the next view. The machine is shared: the load average is printed;
compare the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.rows import emit_rows, row  # noqa: E402

print = functools.partial(print, flush=True)  # noqa: A001 - progress shows while it runs

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NAV = '[data-testid="stSidebarNav"] a'
DRAW_TIMEOUT_S = 240  # issue 29: a draw past this never finished
POLL_MS = 50  # checked on a timer: requestAnimationFrame (Playwright's default) stalls in pages not in front
COUNT_RUNS = """() => {
  window.__runsDone = 0;
  new MutationObserver((changes) => {
    for (const c of changes) {
      if (c.oldValue === 'running' && c.target.getAttribute('data-test-script-state') === 'notRunning') {
        window.__runsDone += 1;
      }
    }
  }).observe(document, {attributes: true, subtree: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
}"""
DRAWN = """([before, title]) => {
  const h1 = document.querySelector('h1');
  const moved = window.__runsDone > before || (h1 !== null && h1.innerText !== title);
  const shown = (q) => [...document.querySelectorAll(q)].filter(e => e.offsetParent !== null);
  return moved
    && document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]') !== null
    && !document.querySelector('[data-stale="true"]')
    && shown('[data-testid="stSkeleton"]').length === 0
    && shown('[data-testid="stPlotlyChart"]').every(c => c.querySelector('.main-svg') !== null);
}"""
TITLE = "() => (document.querySelector('h1') || {innerText: ''}).innerText"
COMPUTED = re.compile(r"shared result computed store=(\S*) key=(\S+) seconds=([\d.]+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, log: Path) -> tuple[subprocess.Popen, str, float]:
    """`make run`'s command (without the install step) on a free port: (process, url, launch time)."""
    port = free_port()
    py = sys.executable
    serve = (
        f"{py} -m ui.serve --server.headless true --server.port {port} --server.address 127.0.0.1 "
        "--browser.gatherUsageStats false"
    )
    launched = time.perf_counter()
    proc = subprocess.Popen(
        ["bash", "-c", f"exec {serve}"],
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url, launched
        except OSError:
            time.sleep(0.05)
        if proc.poll() is not None or time.perf_counter() - launched > 120:
            raise RuntimeError(f"the server did not start:\n{log.read_text()[-3000:]}")


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


async def open_session(browser, url: str):
    """A new browser context (another analyst) on the home page, its first run finished."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.add_init_script(f"({COUNT_RUNS})()")
    page = await context.new_page()
    page.set_default_timeout(DRAW_TIMEOUT_S * 1000)
    await page.goto(url)
    await page.wait_for_selector(NAV)
    await page.wait_for_function(DRAWN, arg=[0, ""], polling=POLL_MS)
    return context, page


async def draw(page, link_index: int) -> float:
    """Click the sidebar's link `link_index`; seconds until the run it started has finished."""
    before, title = await page.evaluate("window.__runsDone"), await page.evaluate(TITLE)
    started = time.perf_counter()
    await page.locator(NAV).nth(link_index).click()
    await page.wait_for_function(DRAWN, arg=[before, title], timeout=DRAW_TIMEOUT_S * 1000, polling=POLL_MS)
    return time.perf_counter() - started


async def click_through(browser, url: str, rounds: int, start_gate: asyncio.Event | None = None) -> dict:
    """One session: open the app, click every view (after Home) `rounds` times; {view: [seconds]}."""
    if start_gate is not None:
        await start_gate.wait()
    context, page = await open_session(browser, url)
    try:
        links = page.locator(NAV)
        names = [(await links.nth(i).inner_text()).strip().splitlines()[-1].strip() for i in range(await links.count())]
        times: dict[str, list[float]] = {n: [] for n in names[1:]}
        for _ in range(rounds):
            for i, name in enumerate(names[1:], start=1):
                try:
                    times[name].append(await draw(page, i))
                except Exception as exc:  # noqa: BLE001 - a draw that never finished is what the row counts
                    print(f"a draw of {name} did not finish: {str(exc).splitlines()[0]}")
                    times[name].append(float("inf"))
        return times
    finally:
        await context.close()


async def concurrent(browser, url: str, sessions: int, rounds: int) -> list[dict]:
    gate = asyncio.Event()
    tasks = [asyncio.create_task(click_through(browser, url, rounds, gate)) for _ in range(sessions)]
    gate.set()
    return await asyncio.gather(*tasks)


def cpu_split(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of the server, of Chromium and of the machine's other processes (psutil): where
    the many-session row's time goes. A process counts with the children it has reaped, so renderers of
    closed browser contexts stay in Chromium's share."""
    import psutil

    def used(p) -> float:
        t = p.cpu_times()
        return t.user + t.system + t.children_user + t.children_system

    server = sum(used(p) for p in _tree(server_pid))
    chromium = 0.0
    for p in psutil.process_iter(["name"]):
        if "chrom" in (p.info["name"] or ""):
            try:
                chromium += used(p)
            except psutil.Error:
                pass
    total = sum(psutil.cpu_times()[:3])  # user, nice, system of every process
    return {"server": server, "chromium": chromium, "other": total - server - chromium}


def _tree(pid: int) -> list:
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def twice_computed(log: Path) -> list[str]:
    """Shared results the server computed more than once (store, key hash, times)."""
    seen = Counter((m.group(1), m.group(2)) for m in COMPUTED.finditer(log.read_text(errors="replace")))
    return [f"{store} {key} x{n}" for (store, key), n in seen.items() if n > 1]


async def measure(few: int, many: int) -> list[dict]:
    from playwright.async_api import async_playwright

    rows = []
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, CE_DATA_DIR=data, PYTHONPATH=str(REPO), CE_WORKSPACE="sample")
        subprocess.run(
            [sys.executable, "-c", "from core.data.sample import sample_workspace; sample_workspace()"],
            env=env,
            cwd=REPO,
            check=True,
        )
        logs = Path(data)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            proc, url, launched = start_server(env, logs / "server-1.log")
            try:
                health = time.perf_counter() - launched
                context, _page = await open_session(browser, url)
                first = time.perf_counter() - launched
                await context.close()
                print(f"server answers /_stcore/health {health:.1f} s after launch; first page drawn {first:.1f} s")
                rows.append(
                    row("server start (make run) to first page drawn, s", first, None, None, "<= 5 s", first <= 5)
                )

                print("clicking through every view (first visits) ...")
                cold = await click_through(browser, url, 1)
                print("first visits (cold: models load, results computed): " + _seconds(cold))
                warm = await click_through(browser, url, 1)
                print("first draws warm (a new session): " + _seconds(warm))
                for name, (s,) in warm.items():
                    rows.append(row(f"first draw warm (new session): {name}, s", s, None, None, "<= 2 s", s <= 2))
                if few:  # --sessions 0,0: start and warm draws only
                    alone = await click_through(browser, url, 2)
                    single = p95([s for v in alone.values() for s in v])
                    print(f"one session alone, two rounds: {_seconds(alone)}; p95 {single:.2f} s")
                    cpu_before, wall_before = cpu_split(proc.pid), time.perf_counter()
                    together = await concurrent(browser, url, few, 2)
                    spent = {k: v - cpu_before[k] for k, v in cpu_split(proc.pid).items()}
                    wall = time.perf_counter() - wall_before
                    draws = [s for t in together for v in t.values() for s in v]
                    p = p95(draws)
                    print(
                        f"{few} sessions, {len(draws)} draws: p50 {sorted(draws)[len(draws) // 2]:.2f} s, p95 {p:.2f} s"
                    )
                    print(
                        f"  CPU over those {wall:.0f} s ({len(os.sched_getaffinity(0))} cores): server "
                        f"{spent['server']:.0f} s, Chromium {spent['chromium']:.0f} s, the rest "
                        f"(Playwright's driver, other tenants) {spent['other']:.0f} s"
                    )
                    figure = f"{few} sessions: p95 draw, s (ref: one session's p95)"
                    rows.append(row(figure, p, single, p / single, "<= 3x", p <= 3 * single))
            finally:
                stop_server(proc)

            if many:
                proc, url, _launched = start_server(env, logs / "server-2.log")
                try:
                    t = time.perf_counter()
                    together = await concurrent(browser, url, many, 1)
                    wall = time.perf_counter() - t
                finally:
                    stop_server(proc)
                draws = [s for t_ in together for v in t_.values() for s in v]
                done = [s for s in draws if s != float("inf")]
                slowest = ", ".join(f"{n} {max(t_[n][0] for t_ in together):.1f}" for n in together[0])
                print(
                    f"{many} sessions on a fresh server: {len(done)} of {len(draws)} draws finished in {wall:.0f} s; "
                    f"slowest per view: {slowest}"
                )
                unfinished = len(draws) - len(done)
                rows.append(
                    row(
                        f"{many} sessions, fresh server: draws not finished",
                        unfinished,
                        None,
                        None,
                        "0",
                        not unfinished,
                    )
                )
                log = logs / "server-2.log"
                twice = twice_computed(log)
                computed = len(COMPUTED.findall(log.read_text(errors="replace")))
                print(f"shared results computed on that server: {computed}; computed twice: {twice or 'none'}")
                rows.append(
                    row(f"{many} sessions: shared results computed twice", len(twice), None, None, "0", not twice)
                )
            await browser.close()
    return rows


def _seconds(times: dict) -> str:
    return ", ".join(f"{n} " + "/".join(f"{s:.2f}" for s in v) for n, v in times.items())


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="the same sizes (the sample is small)")
    ap.add_argument("--sessions", default="10,20", help="sessions at once on the warm and on the fresh server")
    args = ap.parse_args()
    few, many = (int(n) for n in args.sessions.split(","))
    rows = asyncio.run(measure(few, many))
    print(f"## serving on the sample; load average at the end {os.getloadavg()}")
    emit_rows("serve", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
