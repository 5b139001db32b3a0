"""Mina sidor's billing page for a customer with 20,000 calls in a month, in headless Chromium
against `telefonist serve` (moto behind it; the lines rated into the billing table as the rating
function writes them).

- month shown: from the click on "Fakturering" to the month's table rendered with its total
  (the summary route scanning the month's partition of the billing table); goal ≤ 1 s locally;
- chart shown: to the twelve-month chart rendered (eleven more summaries, four at a time);
- CSV download: from the click to the file saved (all 20,000 lines).

    make web && .venv/bin/python benchmarks/mina_sidor_billing.py [--calls 20000] [--runs 10]

Needs /usr/bin/chromium (Debian's `chromium`). The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import Any

from helpers import percentile
from helpers.browser import chromium_page, require_built

GOAL_MS = 1000.0
# Frame-accurate times of the month's total and of the chart, from the click (window.__clicked).
WATCH = """() => {
  const now = performance.now();
  const total = [...document.querySelectorAll('tfoot tr')]
    .find((row) => /Summa/.test(row.textContent) && /kr/.test(row.textContent));
  if (total && window.__month === undefined) window.__month = now - window.__clicked;
  const bars = document.querySelectorAll('svg.chart rect').length;
  if (bars === 12 && window.__chart === undefined) window.__chart = now - window.__clicked;
  return window.__month !== undefined && window.__chart !== undefined;
}"""


def run_browser(url: str, runs: int, calls: int) -> tuple[list[float], list[float], float, int]:
    """(month shown ms per run, chart shown ms per run, CSV download ms, lines in the CSV)."""
    from playwright.sync_api import expect

    with chromium_page() as page:
        page.goto(f"{url}/mina-sidor/")
        page.get_by_role("button", name="Kundadministratör").click()
        nav = page.get_by_role("navigation", name="Mina sidor")
        month: list[float] = []
        chart: list[float] = []
        for run in range(runs + 1):  # the first run warms the server's table and the browser's caches
            nav.get_by_role("link", name="Översikt").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")
            page.evaluate(
                "() => { delete window.__month; delete window.__chart; window.__clicked = performance.now(); }"
            )
            nav.get_by_role("link", name="Fakturering").click()
            page.wait_for_function(WATCH, polling="raf", timeout=60_000)
            if run:
                month.append(page.evaluate("window.__month"))
                chart.append(page.evaluate("window.__chart"))
        total = page.locator("tfoot tr").first.get_by_role("cell").first.inner_text()
        assert total.replace("\u00a0", "").replace(" ", "") == str(calls), f"the month shows {total} calls"
        started = time.perf_counter()
        with page.expect_download() as download:
            page.get_by_role("button", name="Ladda ner månadens samtal (CSV)").click()
        path = download.value.path()
        download_ms = (time.perf_counter() - started) * 1000
        lines = sum(1 for _ in open(path, encoding="utf-8")) - 1  # noqa: SIM115 - read once, closed at exit
    return month, chart, download_ms, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000, help="billed calls this month")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    require_built("mina-sidor.html")

    from telefonist_local.cli.serve import local_api

    started = time.perf_counter()
    with local_api(0, people=20, billing_calls=args.calls) as api:
        seeded = time.perf_counter() - started
        print(f"served with {args.calls} calls this month (and a year before it) in {seeded:.1f} s")
        month, chart, download_ms, lines = run_browser(api.url, args.runs, args.calls)
    load = os.getloadavg()[0]
    p95 = percentile(month, 0.95)
    print(
        f"month shown: p50 {statistics.median(month):.0f} ms, p95 {p95:.0f} ms, max {max(month):.0f} ms ({len(month)})"
    )
    print(f"chart shown: p50 {statistics.median(chart):.0f} ms, max {max(chart):.0f} ms")
    print(f"CSV download: {download_ms:.0f} ms for {lines} lines; load average {load:.1f} on {os.cpu_count()} cores")
    result: dict[str, Any] = {
        "benchmark": "mina_sidor_billing",
        "calls_in_month": args.calls,
        "month_shown_ms": {
            "p50": round(statistics.median(month)),
            "p95": round(p95),
            "max": round(max(month)),
            "n": len(month),
        },
        "chart_shown_ms": {"p50": round(statistics.median(chart)), "max": round(max(chart))},
        "csv_download_ms": round(download_ms),
        "csv_lines": lines,
        "load_average": round(load, 1),
        "goal_ms": GOAL_MS,
        "ok": p95 <= GOAL_MS and lines == args.calls,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
