// Översikt: the customer's numbers and what each plays, and what needs attention.
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../../api/client";
import { language, t } from "../../i18n/catalogue";
import { displayNumber } from "../../operator/format";
import {
  allPages,
  billing,
  type BillingSummary,
  type CommonNumber,
  call,
  inBatches,
  listCommonNumbers,
  type Person,
  type PersonSummary,
  type PriceList,
  type Problem,
  type Profile,
  peoplePage,
} from "../api";
import { type Attention, attentionOf } from "../attention";
import { CustomerPicker, financeCustomer } from "../CustomerPicker";
import { isOpenAt, kronor, monthName, stockholmMonth } from "../format";
import { ProblemBanner } from "../problems";

/** People whose details the overview reads to find who cannot be reached (a page of 100 at a time). */
const MAX_PEOPLE_CHECKED = 500;

interface Loaded {
  profile: Profile;
  commonNumbers: CommonNumber[];
  attention: Attention[];
  peopleChecked: number;
  peopleTotalKnown: boolean;
}

export function OverviewPage({ api }: { api: Api }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    let live = true;
    (async () => {
      const [profile, commons, summaries] = await Promise.all([
        call(() => api.GET("/profile")),
        listCommonNumbers(api),
        allPages<PersonSummary>((cursor) => peoplePage(api, cursor, 100), MAX_PEOPLE_CHECKED),
      ]);
      if (!live) return;
      if (!profile.ok) return setProblem(profile.problem);
      if (!commons.ok) return setProblem(commons.problem);
      if (!summaries.ok) return setProblem(summaries.problem);
      const checked = summaries.data.slice(0, MAX_PEOPLE_CHECKED);
      // The list holds no numbers or e-mail: each person's details tell whether they can be reached.
      const details = await inBatches(checked, 4, (p) =>
        call(() => api.GET("/people/{person_id}", { params: { path: { person_id: p.person_id } } })),
      );
      if (!live) return;
      const people = details.flatMap((d) => (d.ok ? [d.data as Person] : []));
      setLoaded({
        profile: profile.data,
        commonNumbers: commons.data,
        attention: attentionOf(profile.data, commons.data, people),
        peopleChecked: people.length,
        peopleTotalKnown: summaries.data.length < MAX_PEOPLE_CHECKED,
      });
    })();
    return () => {
      live = false;
    };
  }, [api]);
  if (problem) return <ProblemBanner problem={problem} />;
  if (!loaded) return <p role="status">{t("ms.loading")}</p>;
  const byId = new Map(loaded.commonNumbers.map((c) => [c.common_number_id, c]));
  const now = new Date();
  return (
    <>
      <h1>{t("ms.nav.overview")}</h1>
      <p class="lead">{loaded.profile.name}</p>
      <section aria-labelledby="ov-numbers">
        <h2 id="ov-numbers">{t("ms.overview.numbers")}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("ms.overview.number")}</th>
              <th scope="col">{t("ms.overview.plays")}</th>
              <th scope="col">{t("ms.overview.answer")}</th>
              <th scope="col">{t("ms.overview.now")}</th>
            </tr>
          </thead>
          <tbody>
            {loaded.profile.claimed_numbers.map((claimed) => {
              const common = byId.get(claimed.common_number_id);
              return (
                <tr key={claimed.phone_number}>
                  <td>{displayNumber(claimed.phone_number)}</td>
                  <td>{common ? <a href="#/nummer">{common.name}</a> : t("ms.overview.noScript")}</td>
                  <td>{common?.info.how_to_answer ?? "–"}</td>
                  <td>
                    {common
                      ? isOpenAt(common.opening_hours.weekly ?? {}, now)
                        ? t("ms.overview.open")
                        : t("ms.overview.closed")
                      : "–"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="ov-attention">
        <h2 id="ov-attention">{t("ms.overview.attention")}</h2>
        {loaded.attention.length === 0 ? (
          <p>{t("ms.overview.nothing")}</p>
        ) : (
          <ul class="attention">
            {loaded.attention.map((item, index) => (
              <li key={index}>{attentionText(item)}</li>
            ))}
          </ul>
        )}
        <p class="muted">
          {loaded.peopleTotalKnown
            ? t("ms.overview.peopleChecked", { count: loaded.peopleChecked })
            : t("ms.overview.peopleCheckedFirst", { count: loaded.peopleChecked })}
        </p>
      </section>
    </>
  );
}

function attentionText(item: Attention): string {
  switch (item.kind) {
    case "expired":
      return t("ms.attention.expired", { number: item.commonNumber, text: item.text });
    case "startsToday":
      return t("ms.attention.startsToday", { number: item.commonNumber, text: item.text });
    case "noScript":
      return t("ms.attention.noScript", { number: item.commonNumber });
    case "numberWithoutScript":
      return t("ms.attention.numberWithoutScript", { phone: displayNumber(item.phoneNumber), id: item.commonNumberId });
    case "unreachable":
      return t("ms.attention.unreachable", { person: item.person });
  }
}

/** Finance's overview: the current price list and the month so far for the customer in question. */
export function FinanceOverviewPage({ api, tenantId: signedInFor }: { api: Api; tenantId: string | null }) {
  const tenantId = financeCustomer(signedInFor) || null;
  const [prices, setPrices] = useState<PriceList | null>(null);
  const [month, setMonth] = useState<BillingSummary | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const lang = language.value;
  useEffect(() => {
    let live = true;
    (async () => {
      const list = await call(() => api.GET("/price-list"));
      if (!live) return;
      if (!list.ok) return setProblem(list.problem);
      setPrices(list.data);
      setMonth(null);
      if (tenantId) {
        const summary = await billing(api, stockholmMonth(new Date()), tenantId);
        if (live && summary.ok) setMonth(summary.data);
      }
    })();
    return () => {
      live = false;
    };
  }, [api, tenantId]);
  if (problem) return <ProblemBanner problem={problem} />;
  if (!prices) return <p role="status">{t("ms.loading")}</p>;
  return (
    <>
      <h1>{t("ms.nav.overview")}</h1>
      <div class="picker">
        <CustomerPicker api={api} id="overview-customer" tenantId={signedInFor} />
      </div>
      {month && tenantId && (
        <section aria-labelledby="fo-month">
          <h2 id="fo-month">{t("ms.finance.monthSoFar", { customer: tenantId, month: monthName(month.month, lang) })}</h2>
          <p class="figure">{kronor(month.total_ore, lang)}</p>
          <p>
            <a href="#/fakturering">{t("ms.finance.toBilling")}</a>
          </p>
        </section>
      )}
      <CurrentPrices id="fo-prices" prices={prices} />
    </>
  );
}

/** The price list in force (its latest version) under its own heading; nothing before it has loaded. */
export function CurrentPrices({ id, prices }: { id: string; prices: PriceList | null }) {
  const current = prices?.versions[prices.versions.length - 1];
  if (!current) return null;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{t("ms.billing.priceList", { version: current.version, from: current.valid_from })}</h2>
      <PriceTable amounts={current.amounts_ore} />
    </section>
  );
}

function PriceTable({ amounts }: { amounts: Record<string, number> }) {
  const lang = language.value;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t("ms.billing.tariff")}</th>
          <th scope="col" class="num">
            {t("ms.billing.price")}
          </th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(amounts)
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([tariff, ore]) => (
            <tr key={tariff}>
              <td>{tariffName(Number(tariff))}</td>
              <td class="num">{kronor(ore, lang)}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

/** "Tariff 1 · vardag 07–18, besvarat" (the rules of ../shared/spec/tariffs.md). */
export function tariffName(tariff: number): string {
  const key = `ms.tariff.${tariff}`;
  const known = ["1", "2", "3", "4", "5", "6"].includes(String(tariff));
  return known ? t(key as "ms.tariff.1") : t("ms.tariff.other", { tariff });
}
