"""Operator page benchmark, in headless Chromium against `telefonist serve` (moto behind it).

- contact → script shown: from the contact reaching the page (the adapter's connected event) to the
  script rendered with the search box focused (User Timing `telefonist:contact-to-script`);
- keystroke → results shown for a 10,000-person directory: from the input event to the hits
  rendered, through the API, the directory function and moto (`telefonist:keystroke-to-results`;
  goal p95 ≤ 100 ms locally);
- the operator page's JavaScript, gzipped (goal ≤ 150 KB): the entry chunk every host loads, and
  with the Amazon Connect SDK chunk that only the agent workspace loads.

    make web && .venv/bin/python benchmarks/operator_page.py [--people 10000] [--keystrokes 200] [--calls 20]

Needs /usr/bin/chromium (Debian's `chromium`). The last line is JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import time
from typing import Any

from helpers import percentile
from helpers.browser import DIST, chromium_page, require_built

SWITCHBOARD = "+46852000001"
GOAL_P95_MS = 100.0
GOAL_JS_GZIP_KB = 150.0


def javascript_gzip_kb() -> tuple[float, float]:
    """Gzipped KB of the JavaScript the operator page loads (its entry and the chunks it preloads),
    and of the Amazon Connect SDK chunk that only the agent workspace loads on top."""
    html = (DIST / "operator.html").read_text(encoding="utf-8")
    names = set(re.findall(r'(?:src|href)="/assets/([^"]+\.js)"', html))

    def kb(name: str) -> float:
        return len(gzip.compress((DIST / "assets" / name).read_bytes(), 9)) / 1024

    page = sum(kb(name) for name in names)
    sdk = sum(kb(path.name) for path in (DIST / "assets").glob("amazon-*.js"))
    return page, sdk


def fill_directory(people: int) -> float:
    """The demo directory at `people` people, written straight into the table; seconds.

    Person items as the repository stores them, in batches of 25 (moto copies the whole table for
    every transaction, so the repository's 99-person transactions would take hours at this size);
    a last `put_people` bumps the directory version so the directory function rebuilds its index.
    """
    import boto3
    from telefonist.clock import utc_now
    from telefonist.dal import keys
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.resources import CUSTOMER_TABLE

    from telefonist_local.sample_data import DEMO_TENANT_ID, demo_directory

    started = time.perf_counter()
    table = boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name)
    directory, _ = demo_directory(people)
    stamp = utc_now().isoformat()
    with table.batch_writer() as batch:
        for person in directory[:-1]:
            item = person.model_dump(mode="json", exclude_none=True)
            item.update(
                pk=keys.tenant_pk(DEMO_TENANT_ID),
                sk=keys.person_sk(person.person_id),
                entity="person",
                item_version=1,
                item_updated_at=stamp,
            )
            batch.put_item(Item=item)
    CustomerRepository(table).put_people(DEMO_TENANT_ID, directory[-1:])
    return time.perf_counter() - started


def queries(count: int, rng: random.Random) -> list[str]:
    """What operators type: first names, surname prefixes, both, keywords; accents often left out."""
    from telefonist.directory import fold

    from telefonist_local.sample_data import FIRST_NAMES, KEYWORDS, LAST_NAMES

    made: list[str] = []
    for _ in range(count):
        first, last, keyword = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), rng.choice(KEYWORDS)
        made.append(
            rng.choice(
                [
                    fold(first),
                    last[: rng.randint(3, len(last))],
                    f"{first} {last[:3]}",
                    keyword[: rng.randint(4, len(keyword))],
                ]
            )
        )
    return made


def measures(page: Any, name: str) -> list[float]:
    durations: list[float] = page.evaluate(
        "name => performance.getEntriesByName(name, 'measure').map(m => m.duration)", name
    )
    return durations


def run_browser(url: str, calls: int, typed: list[str]) -> tuple[list[float], list[float]]:
    from playwright.sync_api import expect

    with chromium_page() as page:
        page.goto(f"{url}/operator/")
        workspace = page.get_by_role("complementary", name="Simulerad arbetsyta")
        search = page.get_by_label("Sök person, avdelning eller sökord")
        for _ in range(calls):
            workspace.get_by_label("Kundens nummer").fill(SWITCHBOARD)
            workspace.get_by_role("button", name="Ring", exact=True).click()
            expect(search).to_be_focused()
        # Warm-up: the directory function loads and indexes the new directory version on its first search
        # (minutes for 10,000 people on moto, whose queries page slowly; seconds on DynamoDB).
        search.fill("warmup")
        expect(page.get_by_role("status").filter(has_text="warmup")).to_be_visible(timeout=600_000)
        samples: list[float] = []
        for text in typed:
            search.fill("")
            search.press_sequentially(text[:-1])  # the word so far, as typed
            expect(page.get_by_role("status").filter(has_text="Söker")).to_have_count(0)
            page.evaluate("performance.clearMeasures('telefonist:keystroke-to-results')")
            search.press_sequentially(text[-1])  # the measured keystroke
            page.wait_for_function(
                "() => performance.getEntriesByName('telefonist:keystroke-to-results', 'measure').length > 0"
            )
            samples.append(measures(page, "telefonist:keystroke-to-results")[-1])  # the measured keystroke's
        contact = measures(page, "telefonist:contact-to-script")
    return contact, samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--keystrokes", type=int, default=200)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    require_built("operator.html")

    from telefonist_local.cli.serve import local_api

    page_kb, sdk_kb = javascript_gzip_kb()
    with local_api(0, people=20) as api:
        fill_seconds = fill_directory(args.people)
        print(f"directory: {args.people} people written in {fill_seconds:.1f} s")
        contact, keystrokes = run_browser(api.url, args.calls, queries(args.keystrokes, random.Random(args.seed)))

    p95 = percentile(keystrokes, 0.95)
    print(
        f"contact → script shown: p50 {statistics.median(contact):.1f} ms, max {max(contact):.1f} ms ({len(contact)})"
    )
    print(
        f"keystroke → results shown: p50 {statistics.median(keystrokes):.1f} ms, p95 {p95:.1f} ms ({len(keystrokes)})"
    )
    print(f"JavaScript gzipped: the page {page_kb:.1f} KB, with the Connect SDK chunk {page_kb + sdk_kb:.1f} KB")
    print(
        json.dumps(
            {
                "benchmark": "operator_page",
                "people": args.people,
                "contact_to_script_ms": {
                    "p50": round(statistics.median(contact), 1),
                    "max": round(max(contact), 1),
                    "n": len(contact),
                },
                "keystroke_to_results_ms": {
                    "p50": round(statistics.median(keystrokes), 1),
                    "p95": round(p95, 1),
                    "max": round(max(keystrokes), 1),
                    "n": len(keystrokes),
                },
                "goal_p95_ms": GOAL_P95_MS,
                "js_gzip_kb_page": round(page_kb, 1),
                "js_gzip_kb_in_connect": round(page_kb + sdk_kb, 1),
                "goal_js_gzip_kb": GOAL_JS_GZIP_KB,
                "ok": p95 <= GOAL_P95_MS and page_kb + sdk_kb <= GOAL_JS_GZIP_KB,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
