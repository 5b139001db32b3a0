// Kalender: Microsoft 365 calendar sync for the customer's administrators (issue 21): on or off,
// the rules that turn an event into a referral, where the sync stands, and whose calendar is followed.
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../../api/client";
import { Field, FieldGroup } from "../../components/Field";
import { language, t } from "../../i18n/catalogue";
import {
  allPages,
  type CalendarRules,
  type CalendarSync,
  call,
  type FollowedCalendar,
  type PersonSummary,
  type Problem,
  peoplePage,
} from "../api";
import { useEditForm } from "../form";
import { dateTime } from "../format";
import { ProblemBanner, SaveBar } from "../problems";

const STATES = ["out_of_office", "busy", "tentative"] as const;
type Keyword = NonNullable<CalendarRules["keywords"]>[number];

export function CalendarPage({ api }: { api: Api }) {
  const [sync, setSync] = useState<CalendarSync | null>(null);
  const [people, setPeople] = useState<PersonSummary[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  // The version just saved: its form is new (keyed by version) and still says "Sparat.".
  const [justSaved, setJustSaved] = useState<number | null>(null);
  const load = async () => {
    const consent = await consentAnswer(api); // back from Microsoft's admin consent: record its answer first
    if (consent && !consent.ok) setProblem(consent.problem);
    const [settings, listed] = await Promise.all([
      call(() => api.GET("/calendar-sync")),
      allPages<PersonSummary>((cursor) => peoplePage(api, cursor, 100)),
    ]);
    if (!settings.ok) return setProblem(settings.problem);
    if (!consent || consent.ok) setProblem(null);
    setSync(settings.data);
    if (listed.ok) setPeople(listed.data);
  };
  useEffect(() => {
    void load();
  }, [api]);
  return (
    <>
      <h1>{t("ms.nav.calendar")}</h1>
      <p>{t("ms.cal.intro")}</p>
      <ProblemBanner problem={problem} />
      {!sync ? (
        !problem && <p role="status">{t("ms.loading")}</p>
      ) : (
        <>
          <Microsoft365 api={api} sync={sync} onProblem={setProblem} />
          <Status sync={sync} />
          <SettingsForm
            key={sync.version}
            api={api}
            current={sync}
            justSaved={justSaved === sync.version}
            onSaved={(saved) => {
              setJustSaved(saved.version);
              void load();
            }}
            onReload={() => void load()}
          />
          <People api={api} people={people} followed={sync.people} onChanged={load} />
        </>
      )}
    </>
  );
}

// Microsoft sends the administrator back to /mina-sidor/?admin_consent=True&tenant=…&state=… (or
// ?error=…&error_description=…&state=…). The answer to our own link (its state kept when it was opened)
// waits in sessionStorage across a sign-in; Kalender then posts it and the API checks the state.
const CONSENT_STATE = "telefonist.consentState";
const CONSENT_ANSWER = "telefonist.consentAnswer";

export function keepConsentAnswer(): void {
  const query = new URLSearchParams(window.location.search);
  const state = query.get("state");
  if (!state || state !== sessionStorage.getItem(CONSENT_STATE)) return;
  sessionStorage.removeItem(CONSENT_STATE);
  sessionStorage.setItem(CONSENT_ANSWER, query.toString());
  window.history.replaceState(null, "", `${window.location.pathname}#/kalender`);
}

async function consentAnswer(api: Api) {
  const kept = sessionStorage.getItem(CONSENT_ANSWER);
  if (kept === null) return null;
  sessionStorage.removeItem(CONSENT_ANSWER);
  const query = new URLSearchParams(kept);
  const body = {
    state: query.get("state") ?? "",
    admin_consent: (query.get("admin_consent") ?? "").toLowerCase() === "true",
    tenant: query.get("tenant"),
    error: query.get("error"),
    error_description: query.get("error_description"),
  };
  return call(() => api.POST("/calendar-sync/consent/callback", { body }));
}

function Microsoft365({
  api,
  sync,
  onProblem,
}: {
  api: Api;
  sync: CalendarSync;
  onProblem: (problem: Problem) => void;
}) {
  const m365 = sync.microsoft365;
  const connect = async () => {
    const link = await call(() => api.POST("/calendar-sync/consent"));
    if (!link.ok) return onProblem(link.problem);
    sessionStorage.setItem(CONSENT_STATE, new URL(link.data.url).searchParams.get("state") ?? "");
    window.location.assign(link.data.url);
  };
  return (
    <section aria-labelledby="cal-m365">
      <h2 id="cal-m365">{t("ms.cal.m365")}</h2>
      <p role="status">
        {m365.connected && m365.directory_tenant
          ? t("ms.cal.m365Connected", { tenant: m365.directory_tenant })
          : t("ms.cal.m365NotConnected")}
      </p>
      {m365.last_error && <p>{t("ms.cal.m365Refused", { error: m365.last_error })}</p>}
      <button type="button" onClick={() => void connect()}>
        {t("ms.cal.m365Connect")}
      </button>
    </section>
  );
}

function Status({ sync }: { sync: CalendarSync }) {
  const lang = language.value;
  const { status } = sync;
  return (
    <section aria-labelledby="cal-status">
      <h2 id="cal-status">{t("ms.cal.status")}</h2>
      <dl class="facts">
        <dt>{t("ms.cal.connected")}</dt>
        <dd>{t(status.connected ? "ms.cal.yes" : sync.enabled ? "ms.cal.notYet" : "ms.cal.off")}</dd>
        <dt>{t("ms.cal.lastSync")}</dt>
        <dd>{status.last_sync ? dateTime(status.last_sync, lang) : t("ms.cal.never")}</dd>
        <dt>{t("ms.cal.lastError")}</dt>
        <dd>{status.last_error ?? t("ms.none")}</dd>
      </dl>
    </section>
  );
}

function SettingsForm(props: {
  api: Api;
  current: CalendarSync;
  justSaved: boolean;
  onSaved: (saved: CalendarSync) => void;
  onReload: () => void;
}) {
  const { api, current, onSaved } = props;
  const [enabled, setEnabled] = useState(current.enabled);
  const [states, setStates] = useState<Record<(typeof STATES)[number], string>>({
    out_of_office: current.rules.out_of_office ?? "",
    busy: current.rules.busy ?? "",
    tentative: current.rules.tentative ?? "",
  });
  const [keywords, setKeywords] = useState<Keyword[]>(current.rules.keywords ?? []);
  const [privateText, setPrivateText] = useState(current.rules.private_text ?? "Upptagen");
  const [allDay, setAllDay] = useState(current.rules.all_day ?? true);
  const form = useEditForm(props.justSaved);
  const { errors, touched } = form;
  const submit = form.submit(() => {
    const rules: CalendarRules = {
      out_of_office: states.out_of_office.trim() || null,
      busy: states.busy.trim() || null,
      tentative: states.tentative.trim() || null,
      keywords,
      private_text: privateText,
      all_day: allDay,
    };
    return call(() => api.PUT("/calendar-sync", { body: { enabled, rules, expected_version: current.version } }));
  }, onSaved);
  const setKeyword = (index: number, change: Partial<Keyword>) =>
    touched(setKeywords)(keywords.map((k, i) => (i === index ? { ...k, ...change } : k)));
  return (
    <form class="editor__form" aria-label={t("ms.cal.form")} onSubmit={submit}>
      <h2>{t("ms.cal.settings")}</h2>
      {current.version === 0 && <p class="muted">{t("ms.cal.defaults")}</p>}
      <label class="check">
        <input type="checkbox" checked={enabled} onChange={(e) => touched(setEnabled)(e.currentTarget.checked)} />{" "}
        {t("ms.cal.enabled")}
      </label>
      <FieldGroup legend={t("ms.cal.states")}>
        <p class="field__hint">{t("ms.cal.states.hint")}</p>
        {STATES.map((state) => (
          <Field
            key={state}
            label={t(`ms.cal.state.${state}`)}
            value={states[state]}
            onInput={(value) => touched(setStates)({ ...states, [state]: value })}
            error={errors.of(`body.rules.${state}`)}
          />
        ))}
      </FieldGroup>
      <FieldGroup legend={t("ms.cal.keywords")}>
        <p class="field__hint">{t("ms.cal.keywords.hint")}</p>
        {keywords.map((keyword, index) => (
          <div class="row" key={index}>
            <Field
              label={t("ms.cal.keyword", { n: index + 1 })}
              value={keyword.keyword}
              onInput={(value) => setKeyword(index, { keyword: value })}
              error={errors.of(`body.rules.keywords.${index}.keyword`)}
            />
            <Field
              label={t("ms.cal.keywordText", { n: index + 1 })}
              value={keyword.text}
              onInput={(value) => setKeyword(index, { text: value })}
              error={errors.of(`body.rules.keywords.${index}.text`)}
            />
            <button
              type="button"
              onClick={() => touched(setKeywords)(keywords.filter((_, i) => i !== index))}
            >
              {t("ms.cal.keywordRemove", { n: index + 1 })}
            </button>
          </div>
        ))}
        <button type="button" onClick={() => touched(setKeywords)([...keywords, { keyword: "", text: "" }])}>
          {t("ms.cal.keywordAdd")}
        </button>
      </FieldGroup>
      <FieldGroup legend={t("ms.cal.other")}>
        <Field
          label={t("ms.cal.private")}
          hint={t("ms.cal.private.hint")}
          value={privateText}
          onInput={touched(setPrivateText)}
          error={errors.of("body.rules.private_text")}
        />
        <label class="check">
          <input type="checkbox" checked={allDay} onChange={(e) => touched(setAllDay)(e.currentTarget.checked)} />{" "}
          {t("ms.cal.allDay")}
        </label>
      </FieldGroup>
      <SaveBar {...form.bar} onReload={form.reload(props.onReload)} editable />
    </form>
  );
}

function People(props: {
  api: Api;
  people: PersonSummary[];
  followed: FollowedCalendar[];
  onChanged: () => Promise<unknown>;
}) {
  const [problem, setProblem] = useState<{ person: string; problem: Problem } | null>(null);
  // The box shows what was clicked until the server's answer is loaded (the box is controlled by
  // the loaded state, which would otherwise snap back while the request is under way).
  const [pending, setPending] = useState<ReadonlyMap<string, boolean>>(new Map());
  const lang = language.value;
  const byPerson = new Map(props.followed.map((f) => [f.person_id, f]));
  const settled = (personId: string) =>
    setPending((now) => new Map([...now].filter(([id]) => id !== personId)));
  const toggle = async (person: PersonSummary, following: boolean) => {
    setPending((now) => new Map(now).set(person.person_id, following));
    try {
      const result = await call(() =>
        props.api.PUT("/calendar-sync/people/{person_id}", {
          params: { path: { person_id: person.person_id } },
          body: { following },
        }),
      );
      if (!result.ok) return setProblem({ person: person.person_id, problem: result.problem });
      setProblem(null);
      await props.onChanged();
    } finally {
      settled(person.person_id);
    }
  };
  return (
    <section aria-labelledby="cal-people">
      <h2 id="cal-people">{t("ms.cal.people")}</h2>
      <p>{t("ms.cal.people.hint")}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("ms.name")}</th>
            <th scope="col">{t("ms.cal.follow")}</th>
            <th scope="col">{t("ms.cal.personStatus")}</th>
          </tr>
        </thead>
        <tbody>
          {props.people.map((person) => {
            const name = `${person.first_name} ${person.last_name}`;
            const followed = byPerson.get(person.person_id);
            const following = followed?.following ?? false;
            const failed = problem?.person === person.person_id ? problem.problem : null;
            const fieldError = failed?.fields["body.user_id"];
            return (
              <tr key={person.person_id}>
                <th scope="row">{name}</th>
                <td>
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={pending.get(person.person_id) ?? following}
                      disabled={pending.has(person.person_id)}
                      aria-describedby={fieldError ? `cal-err-${person.person_id}` : undefined}
                      aria-invalid={fieldError ? true : undefined}
                      onChange={(e) => void toggle(person, e.currentTarget.checked)}
                    />{" "}
                    {t("ms.cal.followName", { name })}
                  </label>
                  {fieldError ? (
                    <p class="field__error" id={`cal-err-${person.person_id}`}>
                      {fieldError}
                    </p>
                  ) : (
                    failed && <ProblemBanner problem={failed} onReload={props.onChanged} />
                  )}
                </td>
                <td>
                  {!following
                    ? "–"
                    : followed?.last_error
                      ? t("ms.cal.error", { error: followed.last_error })
                      : followed?.subscribed
                        ? followed.last_sync
                          ? t("ms.cal.synced", { when: dateTime(followed.last_sync, lang) })
                          : t("ms.cal.subscribed")
                        : t("ms.cal.pending")}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
