// The month a Mina sidor page shows (Fakturering, Statistik, Samtalslogg): this month in Stockholm
// at first, never a month after it; finance's customer picker stands beside it in the same row.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { t } from "../i18n/catalogue";
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
