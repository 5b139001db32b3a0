// The month a Mina sidor page shows (Fakturering, Statistik, Samtalslogg): this month in Stockholm
// at first, never a month after it; finance's customer picker stands beside it in the same row.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../api/client";
import { t } from "../i18n/catalogue";
import type { Problem, Result } from "./api";
import { financeCustomer } from "./CustomerPicker";
import { saveFile } from "./download";
import { stockholmMonth } from "./format";

/** The shown month ("YYYY-MM") and its setter, this month in Stockholm at first. */
export function useMonth() {
  return useState(() => stockholmMonth(new Date()));
}

/**
 * A labelled month field (id `id`) in the page's picker row; `children` stand before it in the
 * row (finance's `CustomerPicker`). An emptied field keeps the month it had.
 */
export function MonthPicker({
  id,
  month,
  onMonth,
  children,
}: {
  id: string;
  month: string;
  onMonth: (month: string) => void;
  children?: ComponentChildren;
}) {
  return (
    <div class="picker">
      {children}
      <div class="field">
        <label for={id}>{t("ms.billing.month")}</label>
        <input
          id={id}
          type="month"
          value={month}
          max={stockholmMonth(new Date())}
          onChange={(e) => e.currentTarget.value && onMonth(e.currentTarget.value)}
        />
      </div>
    </div>
  );
}

/** How a page reads the month of the customer in question (a function of the module, not a new one each render). */
type MonthReader<T> = (api: Api, month: string, who: string | null) => Promise<Result<T>>;

/**
 * A month's figures of the customer in question: the signed-in customer's own (`who` null), or,
 * for finance, the customer picked (`who` "" while none is). `load` runs whenever the month or the
 * customer changes; an answer that comes after the next change is dropped.
 */
export function useCustomerMonth<T>(api: Api, finance: boolean, tenantId: string | null, load: MonthReader<T>) {
  const [month, setMonth] = useMonth();
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const who = finance ? financeCustomer(tenantId) : null;
  useEffect(() => {
    if (finance && !who) return;
    let live = true;
    setData(null);
    void load(api, month, who).then((result) => {
      if (!live) return;
      if (!result.ok) return setProblem(result.problem);
      setProblem(null);
      setData(result.data);
    });
    return () => {
      live = false;
    };
  }, [api, load, month, who]);
  /** Saves the month's CSV from `csv` as "[customer-]<name>-<month>.csv". */
  const download = (name: string, csv: MonthReader<Blob>) => async () => {
    const result = await csv(api, month, who);
    if (!result.ok) return setProblem(result.problem);
    saveFile(result.data, `${who ? `${who}-` : ""}${name}-${month}.csv`);
  };
  return { month, setMonth, who, data, problem, setProblem, download };
}
