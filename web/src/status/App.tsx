// The employee's own status, phone-sized: a preset, an end time, "Sätt" — three taps at most.
import { useState } from "preact/hooks";
import type { Api, paths } from "../api/client";
import { failureOf } from "../api/client";
import { LanguageSwitch } from "../components/LanguageSwitch";
import { type MessageKey, t } from "../i18n/catalogue";
import { clockText, dayText, endTimes, stockholmDate } from "./times";

type OwnStatus = paths["/employee/status"]["get"]["responses"]["200"]["content"]["application/json"];
type Preset = paths["/employee/status"]["put"]["requestBody"]["content"]["application/json"]["preset"];

const PRESETS: { preset: Preset; key: MessageKey }[] = [
  { preset: "lunch", key: "st.preset.lunch" },
  { preset: "meeting", key: "st.preset.meeting" },
  { preset: "away", key: "st.preset.away" },
  { preset: "sick", key: "st.preset.sick" },
  { preset: "holiday", key: "st.preset.holiday" },
];

interface Choice {
  preset: Preset;
  until: string | null;
}

function choiceLabel(choice: Choice): string {
  const name = t(PRESETS.find((p) => p.preset === choice.preset)?.key ?? "st.preset.away");
  if (choice.preset === "sick") return t("st.label.sick");
  if (choice.preset === "holiday") return t("st.label.holiday", { day: dayText(choice.until ?? "") });
  return t("st.label.timed", { preset: name, time: choice.until ?? "" });
}

function problemText(response: Response | undefined, error: unknown): string {
  const failure = failureOf(response, error);
  return failure.kind === "network" ? t("st.network") : t("st.failed", { message: failure.message ?? String(failure.status) });
}

export function SignIn({ api, expired }: { api: Api; expired: boolean }) {
  const [mobile, setMobile] = useState("");
  const [sent, setSent] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const send = async (event: Event) => {
    event.preventDefault();
    const { response, error } = await api.POST("/employee/sign-in-link", { body: { mobile } });
    if (response?.ok) setSent(true);
    else setProblem(problemText(response, error));
  };
  return (
    <section class="card">
      <h1>{t("st.title")}</h1>
      {expired && <p role="alert">{t("st.signIn.expired")}</p>}
      {sent ? (
        <p role="status">{t("st.signIn.sent")}</p>
      ) : (
        <form onSubmit={send}>
          <p>{t("st.signIn.lead")}</p>
          <label for="mobile">{t("st.signIn.mobile")}</label>
          <input
            id="mobile"
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            required
            value={mobile}
            onInput={(e) => setMobile((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="primary">
            {t("st.signIn.send")}
          </button>
          {problem && <p role="alert">{problem}</p>}
        </form>
      )}
    </section>
  );
}

export function StatusPage({ api, initial, onSignOut }: { api: Api; initial: OwnStatus; onSignOut: () => void }) {
  const [status, setStatus] = useState<OwnStatus>(initial);
  const [choice, setChoice] = useState<Choice | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const now = new Date();

  const done = (next: OwnStatus, key: MessageKey) => {
    setStatus(next);
    setChoice(null);
    setMessage(t(key));
  };
  const save = async (chosen: Choice) => {
    setBusy(true);
    const { data, response, error } = await api.PUT("/employee/status", {
      body: { preset: chosen.preset, until: chosen.until },
    });
    setBusy(false);
    if (data) done(data, "st.saved");
    else setMessage(problemText(response, error));
  };
  const clear = async () => {
    setBusy(true);
    const { data, response, error } = await api.DELETE("/employee/status");
    setBusy(false);
    if (data) done(data, "st.cleared");
    else setMessage(problemText(response, error));
  };
  const pick = (preset: Preset) => {
    setMessage(null);
    setChoice({ preset, until: preset === "holiday" ? stockholmDate(now) : null });
  };

  return (
    <section class="card">
      <header class="top">
        <h1>{t("st.hello", { name: status.first_name })}</h1>
        <button type="button" class="link" onClick={onSignOut}>
          {t("st.signOut")}
        </button>
      </header>
      <p class="now">
        {t("st.now")}{" "}
        <strong data-testid="current-status">
          {status.text ? `${status.text}` : t("st.in")}
        </strong>
        {status.text && status.valid_until && <span class="until"> ({clockText(status.valid_until)})</span>}
      </p>
      {status.text && (
        <button type="button" class="primary wide" onClick={clear} disabled={busy}>
          {t("st.clear")}
        </button>
      )}
      <h2 id="choose">{t("st.choose")}</h2>
      <div class="presets" role="group" aria-labelledby="choose">
        {PRESETS.map(({ preset, key }) => (
          <button
            type="button"
            key={preset}
            class="preset"
            aria-pressed={choice?.preset === preset}
            onClick={() => pick(preset)}
          >
            {t(key)}
          </button>
        ))}
      </div>
      {choice && (choice.preset === "lunch" || choice.preset === "meeting" || choice.preset === "away") && (
        <div class="times" role="group" aria-label={t("st.until")}>
          {endTimes(now).map((time) => (
            <button
              type="button"
              key={time}
              class="time"
              aria-pressed={choice.until === time}
              onClick={() => setChoice({ ...choice, until: time })}
            >
              {time}
            </button>
          ))}
        </div>
      )}
      {choice?.preset === "holiday" && (
        <p>
          <label for="last-day">{t("st.lastDay")}</label>
          <input
            id="last-day"
            type="date"
            min={stockholmDate(now)}
            value={choice.until ?? ""}
            onInput={(e) => setChoice({ ...choice, until: (e.target as HTMLInputElement).value })}
          />
        </p>
      )}
      {choice && (choice.preset === "sick" || choice.until) && (
        <div class="actions">
          <button type="button" class="primary wide" disabled={busy} onClick={() => save(choice)}>
            {t("st.save", { label: choiceLabel(choice) })}
          </button>
          <button type="button" class="link" onClick={() => setChoice(null)}>
            {t("st.cancel")}
          </button>
        </div>
      )}
      {message && (
        <p role="status" class="message">
          {message}
        </p>
      )}
    </section>
  );
}

export function Shell({ children }: { children: preact.ComponentChildren }) {
  return (
    <main class="status-page">
      <div class="language">
        <LanguageSwitch />
      </div>
      {children}
    </main>
  );
}
