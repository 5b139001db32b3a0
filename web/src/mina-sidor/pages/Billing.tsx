// Fakturering: a month's calls and amounts per tariff (öre shown as kronor), the share of calls
// over the 45-second handling budget, the month's lines as a CSV download, the last twelve months,
// and the price list. Finance reads any customer's; a customer's administrators their own.
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../../api/client";
import { language, t } from "../../i18n/catalogue";
import { billing, billingLines, type BillingSummary, call, inBatches, type PriceList } from "../api";
import { BarChart } from "../BarChart";
import { CustomerPicker } from "../CustomerPicker";
import { count, kronor, monthName, percent, previousMonth } from "../format";
import { MonthPicker, useCustomerMonth } from "../MonthPicker";
import { ProblemBanner } from "../problems";
import { CurrentPrices, tariffName } from "./Overview";

export function lastMonths(month: string, n = 12): string[] {
  const months = [month];
  while (months.length < n) months.unshift(previousMonth(months[0] as string));
  return months;
}

export function BillingPage({ api, finance, tenantId }: { api: Api; finance: boolean; tenantId: string | null }) {
  const { month, setMonth, who, data: summary, problem, download } = useCustomerMonth(api, finance, tenantId, billing);
  const [history, setHistory] = useState<BillingSummary[]>([]);
  const [prices, setPrices] = useState<PriceList | null>(null);
  useEffect(() => {
    void call(() => api.GET("/price-list")).then((r) => r.ok && setPrices(r.data));
  }, [api]);
  useEffect(() => {
    if (!summary) return;
    let live = true;
    // The chart's eleven months before this one (this month's figures are in hand).
    void inBatches(lastMonths(summary.month).slice(0, -1), 4, (m) => billing(api, m, who)).then((months) => {
      if (live) setHistory([...months.flatMap((m) => (m.ok ? [m.data] : [])), summary]);
    });
    return () => {
      live = false;
    };
  }, [summary]);
  return (
    <>
      <h1>{t("ms.nav.billing")}</h1>
      <MonthPicker id="billing-month" month={month} onMonth={setMonth}>
        {finance && <CustomerPicker api={api} id="billing-customer" tenantId={tenantId} />}
      </MonthPicker>
      {finance && !who && <p>{t("ms.customers.none")}</p>}
      <ProblemBanner problem={problem} />
      {summary && <MonthSummary summary={summary} onDownload={download("billing", billingLines)} />}
      {history.length > 0 && <MonthChart months={history} />}
      <CurrentPrices id="billing-prices" prices={prices} />
    </>
  );
}

function MonthSummary({ summary, onDownload }: { summary: BillingSummary; onDownload: () => void }) {
  const lang = language.value;
  const share = percent(summary.calls_over_45s, summary.calls, lang);
  const above = summary.calls > 0 && summary.calls_over_45s * 100 > summary.over_45s_threshold_percent * summary.calls;
  return (
    <section aria-labelledby="billing-month-title">
      <h2 id="billing-month-title">{monthName(summary.month, lang)}</h2>
      {summary.tariffs.length === 0 ? (
        <p>{t("ms.billing.noCalls")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("ms.billing.tariff")}</th>
              <th scope="col" class="num">
                {t("ms.billing.calls")}
              </th>
              <th scope="col" class="num">
                {t("ms.billing.over45")}
              </th>
              <th scope="col" class="num">
                {t("ms.billing.amount")}
              </th>
            </tr>
          </thead>
          <tbody>
            {summary.tariffs.map((line) => (
              <tr key={line.tariff}>
                <td>{tariffName(line.tariff)}</td>
                <td class="num">{count(line.calls, lang)}</td>
                <td class="num">{count(line.calls_over_45s, lang)}</td>
                <td class="num">{kronor(line.amount_ore, lang)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t("ms.billing.total")}</th>
              <td class="num">{count(summary.calls, lang)}</td>
              <td class="num">{count(summary.calls_over_45s, lang)}</td>
              <td class="num">
                <strong>{kronor(summary.total_ore, lang)}</strong>
              </td>
            </tr>
          </tfoot>
        </table>
      )}
      <p class="muted">{t("ms.billing.vat")}</p>
      {summary.calls > 0 && (
        <p>
          {t("ms.billing.overShare", {
            share,
            over: count(summary.calls_over_45s, lang),
            calls: count(summary.calls, lang),
          })}
          {above && ` ${t("ms.billing.overThreshold", { threshold: summary.over_45s_threshold_percent })}`}
        </p>
      )}
      <button type="button" onClick={onDownload}>
        {t("ms.billing.download")}
      </button>
    </section>
  );
}

/** Twelve months as bars (an SVG with a text alternative: the same figures in a list). */
function MonthChart({ months }: { months: BillingSummary[] }) {
  const lang = language.value;
  return (
    <section aria-labelledby="billing-chart">
      <h2 id="billing-chart">{t("ms.billing.chart")}</h2>
      <BarChart
        labelledBy="billing-chart"
        bars={months.map((m) => ({ key: m.month, label: m.month.slice(5), parts: [{ value: m.total_ore }] }))}
        top={Math.max(...months.map((m) => m.total_ore))}
        width={24}
        gap={6}
        summary={t("ms.billing.chartFigures")}
      >
        {months.map((m) => (
          <li key={m.month}>
            {monthName(m.month, lang)}: {kronor(m.total_ore, lang)}
          </li>
        ))}
      </BarChart>
    </section>
  );
}
