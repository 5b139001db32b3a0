"""The demo's report on the console: invoice, budget, messages, timings, and the verdict."""

from __future__ import annotations

from collections import defaultdict

from telefonist_local.demo.run import DemoReport


def kronor(ore: int) -> str:
    return f"{ore / 100:,.2f} kr".replace(",", " ")


def present(report: DemoReport) -> None:
    print()
    print(
        f"Calls: {report.calls}, reached an operator: {report.reached_operator}, "
        f"closed-hours message: {report.closed_hours}, billable: {report.billable}"
    )
    print(
        f"Directory searches: {report.directory_searches} ({report.directory_hits} with a match); "
        f"messages sent: {report.messages_per_channel} (failed: {report.messages_failed})"
    )
    print(
        f"CTR records delivered (with re-emits and duplicates): {report.ctr_records_delivered}; "
        f"rated contacts: {report.rated_contacts}; billing objects: {report.billing_objects}; "
        f"quarantined: {report.quarantined}"
    )
    by_customer: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for row in report.invoice:
        by_customer[(str(row["tenant_id"]), str(row["month"]))].append(row)
    for (tenant, month), rows in sorted(by_customer.items()):
        print(f"\nInvoice {tenant} {month} (excl. VAT)")
        print(f"  {'tariff':>6} {'calls':>6} {'amount':>14}  price list")
        for row in rows:
            amount = int(str(row["amount_ore"]))
            print(f"  {row['tariff']:>6} {row['calls']:>6} {kronor(amount):>14}  {row['price_list_version']}")
        total = sum(int(str(r["amount_ore"])) for r in rows)
        print(f"  {'total':>6} {sum(int(str(r['calls'])) for r in rows):>6} {kronor(total):>14}")
    for row in report.over_budget:
        print(
            f"\nOver the 45 s budget, {row.get('tenant_id')} {row.get('month')}: "
            f"{row.get('calls_over_45s')} of {row.get('calls')} calls "
            f"({row.get('share_over_45s_percent')} %), above the 25 % threshold: {row.get('above_threshold')}"
        )
    if report.unresolved:
        print(f"\nUnresolved lines (no customer): {len(report.unresolved)}")
    print("\nTimings (s): " + ", ".join(f"{k} {v}" for k, v in report.timings_s.items()))
    print("CPU (s): " + ", ".join(f"{k} {v}" for k, v in report.cpu_s.items()))
    verdict = "every billable call was rated exactly once" if report.ok else "RATING CHECK FAILED"
    print(
        f"\n{verdict}: {report.rated_contacts} rated of {report.billable} billable; "
        f"tariff mismatches {len(report.tariff_mismatches)}, missing {len(report.missing_contacts)}, "
        f"unexpected {len(report.unexpected_contacts)}"
    )
