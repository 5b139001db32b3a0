// Samtalslogg (issue 20): the month's billed calls line for line as invoiced: when an operator
// answered (Stockholm time), the number dialled, the caller masked, tariff, amount, handling
// seconds and what became of the call; the month's totals (the invoice's) under the table, more
// rows a page at a time, and the whole month as a CSV download. A customer's administrators read
// their own; finance names the customer.
import { useState } from "preact/hooks";
import type { Api } from "../../api/client";
import type { paths } from "../../api/schema";
import { channelText } from "../../components/channels";
import { language, t } from "../../i18n/catalogue";
import { forCustomer } from "../api";
import { CustomerPicker } from "../CustomerPicker";
import { count, dateTime, kronor, monthName } from "../format";
import { MonthPicker, useCustomerMonth } from "../MonthPicker";
import { ProblemBanner } from "../problems";
import { tariffName } from "./Overview";

type CallLogPage = paths["/call-log"]["get"]["responses"][200]["content"]["application/json"];
type CallLogRow = CallLogPage["rows"][number];

const PAGE_SIZE = 100;

function callLogPage(api: Api, month: string, financeTenant: string | null, cursor: string | null) {
  const query = { month, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) };
  return forCustomer(
    financeTenant,
    (tenant_id) => api.GET("/finance/tenants/{tenant_id}/call-log", { params: { path: { tenant_id }, query } }),
    () => api.GET("/call-log", { params: { query } }),
  );
}

function callLogCsv(api: Api, month: string, financeTenant: string | null) {
  const query = { month };
  return forCustomer(
    financeTenant,
    (tenant_id) => api.GET("/finance/tenants/{tenant_id}/call-log.csv", { params: { path: { tenant_id }, query }, parseAs: "blob" }),
    () => api.GET("/call-log.csv", { params: { query }, parseAs: "blob" }),
  );
}

/** The month's first page, as the month picker loads it. */
const firstPage = (api: Api, month: string, who: string | null) => callLogPage(api, month, who, null);

/** What became of a call, in words: besvarat, kopplat till <name>, meddelande (SMS och e-post). */
export function outcomeText(row: Pick<CallLogRow, "outcome" | "transferred_to_name" | "message_channels">): string {
  if (row.outcome === "transferred") {
    return row.transferred_to_name
      ? t("history.transferred", { name: row.transferred_to_name })
      : t("ms.callLog.transferredGone");
  }
  if (row.outcome === "message") return t("ms.callLog.message", { channel: channelText(row.message_channels) });
  return t("history.answered");
}

export function CallLogPage({ api, finance, tenantId }: { api: Api; finance: boolean; tenantId: string | null }) {
  const { month, setMonth, who, data: first, problem, setProblem, download } = useCustomerMonth(
    api,
    finance,
    tenantId,
    firstPage,
  );
  // The pages "Visa fler" added to `of`, the month's first page (none once another month loads).
  const [later, setLater] = useState<{ of: CallLogPage | null; pages: CallLogPage[] }>({ of: null, pages: [] });
  const [loadingMore, setLoadingMore] = useState(false);
  const pages = first ? [first, ...(later.of === first ? later.pages : [])] : [];
  const log = pages[pages.length - 1] ?? null;
  const rows = pages.flatMap((page) => page.rows);
  const more = async () => {
    if (!log?.next_cursor) return;
    setLoadingMore(true);
    const result = await callLogPage(api, month, who, log.next_cursor);
    setLoadingMore(false);
    if (!result.ok) return setProblem(result.problem);
    setLater((shown) => ({ of: first, pages: [...(shown.of === first ? shown.pages : []), result.data] }));
  };
  const lang = language.value;
  return (
    <>
      <h1>{t("ms.nav.callLog")}</h1>
      <p class="muted">{t("ms.callLog.intro")}</p>
      <MonthPicker id="calllog-month" month={month} onMonth={setMonth}>
        {finance && <CustomerPicker api={api} id="calllog-customer" tenantId={tenantId} />}
      </MonthPicker>
      {finance && !who && <p>{t("ms.customers.none")}</p>}
      <ProblemBanner problem={problem} />
      {log && (
        <section aria-labelledby="calllog-month-title">
          <h2 id="calllog-month-title">{monthName(log.month, lang)}</h2>
          {log.totals.count === 0 ? (
            <p>{t("ms.billing.noCalls")}</p>
          ) : (
            <table>
              <caption class="muted">
                {t("ms.callLog.shown", { shown: count(rows.length, lang), total: count(log.totals.count, lang) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("ms.callLog.answeredAt")}</th>
                  <th scope="col">{t("ms.stats.number")}</th>
                  <th scope="col">{t("ms.callLog.caller")}</th>
                  <th scope="col">{t("ms.billing.tariff")}</th>
                  <th scope="col" class="num">
                    {t("ms.billing.amount")}
                  </th>
                  <th scope="col" class="num">
                    {t("ms.callLog.handling")}
                  </th>
                  <th scope="col">{t("ms.callLog.outcome")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.contact_id}>
                    <td>
                      <time dateTime={row.answered_at}>{dateTime(row.answered_at, lang)}</time>
                    </td>
                    <td>{row.number ?? "–"}</td>
                    <td>{row.caller ?? t("ms.callLog.callerUnknown")}</td>
                    <td>{tariffName(row.tariff)}</td>
                    <td class="num">{kronor(row.amount_ore, lang)}</td>
                    <td class="num">{t("ms.stats.seconds", { value: row.handling_seconds })}</td>
                    <td>{outcomeText(row)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={3}>
                    {t("ms.callLog.total", { calls: count(log.totals.count, lang) })}
                  </th>
                  <td />
                  <td class="num">
                    <strong>{kronor(log.totals.amount_ore, lang)}</strong>
                  </td>
                  <td colSpan={2} />
                </tr>
              </tfoot>
            </table>
          )}
          <p class="muted">{t("ms.billing.vat")}</p>
          {log.next_cursor && (
            <button type="button" onClick={more} disabled={loadingMore}>
              {loadingMore ? t("ms.loading") : t("ms.callLog.more")}
            </button>
          )}{" "}
          <button type="button" onClick={download("call-log", callLogCsv)}>
            {t("ms.callLog.download")}
          </button>
        </section>
      )}
    </>
  );
}
