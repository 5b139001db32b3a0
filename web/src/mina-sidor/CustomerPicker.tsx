// Finance's choice of customer (issue 15): the operators' list of customers (`GET /finance/tenants`)
// as a filterable select, the same on Översikt, Fakturering and Statistik, and remembered across
// them while signed in (in memory only: signing out forgets the choice and the list).
import { signal } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import type { Api, paths } from "../api/client";
import { t } from "../i18n/catalogue";
import { session } from "./auth";
import { allPages, call, type Problem } from "./api";
import { ProblemBanner } from "./problems";

export type CustomerChoice =
  paths["/finance/tenants"]["get"]["responses"][200]["content"]["application/json"]["items"][number];

/** The customer finance has chosen ("" until one is). */
export const chosenCustomer = signal("");
const customers = signal<CustomerChoice[] | null>(null);

session.subscribe((signedIn) => {
  if (!signedIn) {
    chosenCustomer.value = "";
    customers.value = null;
  }
});

/** The customer the finance pages show: the one chosen, else the one the session names, else none. */
export function financeCustomer(tenantId: string | null): string {
  return chosenCustomer.value || tenantId || "";
}

/** Whether a customer matches what was typed in the filter: its name or id, any case, anywhere. */
export function matches(customer: CustomerChoice, filter: string): boolean {
  const needle = filter.trim().toLocaleLowerCase("sv");
  return !needle || `${customer.name} ${customer.tenant_id}`.toLocaleLowerCase("sv").includes(needle);
}

export function CustomerPicker({ api, id, tenantId }: { api: Api; id: string; tenantId: string | null }) {
  const [filter, setFilter] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const current = financeCustomer(tenantId);
  useEffect(() => {
    if (customers.value) return;
    let live = true;
    void allPages<CustomerChoice>((cursor) =>
      call(() => api.GET("/finance/tenants", { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } })),
    ).then((result) => {
      if (!live) return;
      if (!result.ok) return setProblem(result.problem);
      customers.value = result.data;
    });
    return () => {
      live = false;
    };
  }, [api]);
  const all = customers.value;
  const shown = (all ?? []).filter((c) => c.tenant_id === current || matches(c, filter));
  return (
    <>
      <div class="field">
        <label for={`${id}-filter`}>{t("ms.customers.filter")}</label>
        <input
          id={`${id}-filter`}
          type="search"
          value={filter}
          autocomplete="off"
          onInput={(e) => setFilter(e.currentTarget.value)}
          onKeyDown={(e) => {
            // Enter takes the first match, so a name typed and Enter is a choice.
            const first = (all ?? []).find((c) => matches(c, filter));
            if (e.key === "Enter" && first && filter.trim()) chosenCustomer.value = first.tenant_id;
          }}
        />
      </div>
      <div class="field">
        <label for={id}>{t("ms.billing.customer")}</label>
        <select
          id={id}
          value={current}
          disabled={!all}
          onChange={(e) => {
            chosenCustomer.value = e.currentTarget.value;
          }}
        >
          <option value="">{all ? t("ms.customers.choose", { count: shown.length }) : t("ms.loading")}</option>
          {shown.map((c) => (
            <option key={c.tenant_id} value={c.tenant_id}>
              {c.name} ({c.tenant_id})
            </option>
          ))}
        </select>
      </div>
      <ProblemBanner problem={problem} />
    </>
  );
}
