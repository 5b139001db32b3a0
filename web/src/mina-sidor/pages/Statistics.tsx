// Statistik (issue 20): the customer's calls per day and common number in a month (answered,
// abandoned in the queue, answered within 20 s, wait and handling p50/p90, over the 45-second
// budget, transfers, messages), one small SVG chart per day, and the month as a CSV download.
// A customer's administrators read their own; finance names the customer.
import type { Api } from "../../api/client";
import type { paths } from "../../api/schema";
import { language, t } from "../../i18n/catalogue";
import { forCustomer } from "../api";
import { BarChart } from "../BarChart";
import { CustomerPicker } from "../CustomerPicker";
import { count, monthName, percent } from "../format";
import { MonthPicker, useCustomerMonth } from "../MonthPicker";
import { ProblemBanner } from "../problems";

type MonthStatistics = paths["/statistics"]["get"]["responses"][200]["content"]["application/json"];
type DayFigures = MonthStatistics["days"][number];

function monthStatistics(api: Api, month: string, financeTenant: string | null) {
  return forCustomer(
    financeTenant,
    (tenant_id) => api.GET("/finance/tenants/{tenant_id}/statistics", { params: { path: { tenant_id }, query: { month } } }),
    () => api.GET("/statistics", { params: { query: { month } } }),
  );
}

function statisticsCsv(api: Api, month: string, financeTenant: string | null) {
  const query = { month };
  return forCustomer(
    financeTenant,
    (tenant_id) => api.GET("/finance/tenants/{tenant_id}/statistics.csv", { params: { path: { tenant_id }, query }, parseAs: "blob" }),
    () => api.GET("/statistics.csv", { params: { query }, parseAs: "blob" }),
  );
}

/** The figure columns, in the order FigureRow fills them. */
const FIGURES = [
  "ms.stats.offered",
  "ms.stats.answered",
  "ms.stats.abandoned",
  "ms.stats.within20",
  "ms.stats.waitP50P90",
  "ms.stats.handlingP50P90",
  "ms.stats.over45",
  "ms.stats.transfers",
  "ms.stats.messages",
] as const;

const seconds = (value: number | null) => (value === null ? "–" : t("ms.stats.seconds", { value }));

export function StatisticsPage({ api, finance, tenantId }: { api: Api; finance: boolean; tenantId: string | null }) {
  const { month, setMonth, data: stats, problem, download } = useCustomerMonth(api, finance, tenantId, monthStatistics);
  const lang = language.value;
  return (
    <>
      <h1>{t("ms.nav.statistics")}</h1>
      <p class="muted">{t("ms.stats.intro")}</p>
      <MonthPicker id="stats-month" month={month} onMonth={setMonth}>
        {finance && <CustomerPicker api={api} id="stats-customer" tenantId={tenantId} />}
      </MonthPicker>
      <ProblemBanner problem={problem} />
      {stats && (
        <section aria-labelledby="stats-month-title">
          <h2 id="stats-month-title">{monthName(stats.month, lang)}</h2>
          {stats.days.length === 0 ? (
            <p>{t("ms.stats.none")}</p>
          ) : (
            <>
              <DayChart days={stats.days} />
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("ms.stats.day")}</th>
                    <th scope="col">{t("ms.stats.number")}</th>
                    {FIGURES.map((key) => (
                      <th key={key} scope="col" class="num">
                        {t(key)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {stats.rows.map((row) => (
                    <FigureRow key={`${row.day}-${row.number}`} label={row.day} number={row.number} figures={row} />
                  ))}
                </tbody>
                <tfoot>
                  <FigureRow label={t("ms.stats.month")} number="" figures={stats.total} />
                </tfoot>
              </table>
            </>
          )}
          <button type="button" onClick={download("statistics", statisticsCsv)}>
            {t("ms.stats.download")}
          </button>
        </section>
      )}
    </>
  );
}

function FigureRow({ label, number, figures }: { label: string; number: string; figures: MonthStatistics["total"] }) {
  const lang = language.value;
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{number}</td>
      <td class="num">{count(figures.offered, lang)}</td>
      <td class="num">{count(figures.answered, lang)}</td>
      <td class="num">{count(figures.abandoned, lang)}</td>
      <td class="num">{percent(figures.answered_20s, figures.answered, lang)}</td>
      <td class="num">
        {seconds(figures.wait_p50)} / {seconds(figures.wait_p90)}
      </td>
      <td class="num">
        {seconds(figures.handling_p50)} / {seconds(figures.handling_p90)}
      </td>
      <td class="num">{percent(figures.over_45s, figures.answered, lang)}</td>
      <td class="num">{count(figures.transfers, lang)}</td>
      <td class="num">
        {count(figures.messages_sms, lang)} / {count(figures.messages_email, lang)}
      </td>
    </tr>
  );
}

/** One stacked bar per day (answered, abandoned), an SVG with its figures as a list beside it. */
export function DayChart({ days }: { days: DayFigures[] }) {
  const lang = language.value;
  const bars = days.map((d) => ({
    key: d.day,
    label: d.day.slice(8),
    parts: [{ value: d.answered }, { value: d.abandoned, modifier: "abandoned" }],
  }));
  return (
    <figure aria-labelledby="stats-chart">
      <figcaption id="stats-chart">{t("ms.stats.chart")}</figcaption>
      <BarChart
        labelledBy="stats-chart"
        bars={bars}
        top={Math.max(...days.map((d) => d.offered))}
        width={14}
        gap={4}
        summary={t("ms.stats.chartFigures")}
      >
        {days.map((d) => (
          <li key={d.day}>
            {d.day}: {t("ms.stats.answered")} {count(d.answered, lang)}, {t("ms.stats.abandoned").toLowerCase()}{" "}
            {count(d.abandoned, lang)}
          </li>
        ))}
      </BarChart>
    </figure>
  );
}
