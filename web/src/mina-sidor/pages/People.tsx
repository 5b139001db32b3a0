// Personer: the directory a page at a time (the API's cursor), searched by the server (`q`),
// a person's details, keywords and message preference, and their referrals with validity.
import { Fragment } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Api } from "../../api/client";
import { Field, FieldGroup } from "../../components/Field";
import { language, t } from "../../i18n/catalogue";
import { displayNumber } from "../../operator/format";
import {
  call,
  type MessagePreference,
  type Person,
  type PersonSummary,
  type Problem,
  peoplePage,
  type Referral,
} from "../api";
import { referralNow } from "../attention";
import { dateTime, fromLocalInput, toLocalInput } from "../format";
import { FieldErrors, ProblemBanner, SaveBar, unsaved } from "../problems";
import { PersonData } from "./PersonData";

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 250;

interface Row {
  summary: PersonSummary;
  now: Referral | null;
}

export function PeoplePage({ api, editable }: { api: Api; editable: boolean }) {
  const [rows, setRows] = useState<Row[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [query, setQuery] = useState("");
  // What the server searches for: the query once typing pauses.
  const [search, setSearch] = useState("");
  const [open, setOpen] = useState<string | "new" | null>(null);
  const latest = useRef(0);
  const known = useRef(new Map<string, string>());
  useEffect(() => {
    const timer = setTimeout(() => setSearch(query.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [query]);
  const more = async (from: string | null, reset = false) => {
    const request = ++latest.current;
    setLoading(true);
    const page = await peoplePage(api, from, PAGE_SIZE, search || null);
    if (request !== latest.current) return; // a newer search or page was asked for meanwhile
    if (!page.ok) {
      setLoading(false);
      return setProblem(page.problem);
    }
    setProblem(null);
    // The list carries each person's referral valid now: no read per person.
    const added = page.data.items.map((summary) => ({ summary, now: summary.current_referral ?? null }));
    for (const { summary } of added) known.current.set(summary.person_id, `${summary.first_name} ${summary.last_name}`);
    setRows((before) => (reset ? added : [...before, ...added]));
    setCursor(page.data.next_cursor ?? null);
    setLoading(false);
  };
  useEffect(() => {
    void more(null, true);
  }, [api, search]);
  const reload = () => {
    setOpen(null);
    void more(null, true);
  };
  // Everyone seen so far, listed or found: names of referrals' colleagues and the refer-to choices
  // stay whole while a search narrows the list.
  const names = new Map(known.current);
  return (
    <>
      <h1>{t("ms.nav.people")}</h1>
      <ProblemBanner problem={problem} />
      <div class="picker">
        <div class="field">
          <label for="people-search">{t("ms.people.search")}</label>
          <input id="people-search" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </div>
        {editable && (
          <button type="button" onClick={() => setOpen("new")}>
            {t("ms.people.new")}
          </button>
        )}
      </div>
      {open === "new" && <PersonEditor api={api} personId={null} editable names={names} onDone={reload} />}
      <p role="status" class="muted">
        {loading
          ? t("ms.loading")
          : search
            ? `${t("ms.people.found", { count: rows.length })}${cursor ? ` ${t("ms.people.foundMore")}` : ""}`
            : `${t("ms.people.shown", { shown: rows.length })}${cursor ? ` ${t("ms.people.moreExist")}` : ""}`}
      </p>
      <table class="people">
        <thead>
          <tr>
            <th scope="col">{t("ms.name")}</th>
            <th scope="col">{t("ms.people.department")}</th>
            <th scope="col">{t("ms.people.keywords")}</th>
            <th scope="col">{t("ms.people.referralNow")}</th>
            <th scope="col">
              <span class="visually-hidden">{t("ms.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ summary, now }) => {
            const name = `${summary.first_name} ${summary.last_name}`;
            return (
              <Fragment key={summary.person_id}>
              <tr>
                <td>
                  {name}
                  <br />
                  <span class="muted">{summary.title}</span>
                </td>
                <td>{summary.department}</td>
                <td>{summary.keywords.join(", ")}</td>
                <td>{now ? referralText(now, names) : t("person.available")}</td>
                <td>
                  <button type="button" onClick={() => setOpen(open === summary.person_id ? null : summary.person_id)}>
                    {editable ? t("ms.people.edit", { name }) : t("ms.people.show", { name })}
                  </button>
                </td>
              </tr>
              {open === summary.person_id && (
                <tr>
                  <td colSpan={5}>
                    <PersonEditor api={api} personId={open} editable={editable} names={names} onDone={reload} />
                  </td>
                </tr>
              )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {cursor && !loading && (
        <button type="button" onClick={() => void more(cursor)}>
          {t("ms.people.more")}
        </button>
      )}
    </>
  );
}

function referralText(referral: Referral, names: Map<string, string>): string {
  const lang = language.value;
  const until = referral.valid_until ? ` · ${t("ms.until", { when: dateTime(referral.valid_until, lang) })}` : "";
  const to = referral.refer_to_person_id
    ? ` · ${t("person.referTo", { name: names.get(referral.refer_to_person_id) ?? referral.refer_to_person_id })}`
    : "";
  return `${referral.text}${until}${to}`;
}

interface PhoneDraft {
  kind: "work" | "mobile" | "other";
  number: string;
}

/** "Åsa Öberg" → "asa-oberg" (an id the API accepts: a-z, 0-9 and dashes). */
export function slugOf(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
}

function PersonEditor({
  api,
  personId,
  editable,
  names,
  onDone,
}: {
  api: Api;
  personId: string | null;
  editable: boolean;
  names: Map<string, string>;
  onDone: () => void;
}) {
  const [person, setPerson] = useState<Person | null>(null);
  const [first, setFirst] = useState("");
  const [last, setLast] = useState("");
  const [id, setId] = useState("");
  const [idTouched, setIdTouched] = useState(false);
  const [title, setTitle] = useState("");
  const [department, setDepartment] = useState("");
  const [phones, setPhones] = useState<PhoneDraft[]>([]);
  const [email, setEmail] = useState("");
  const [keywords, setKeywords] = useState("");
  const [preference, setPreference] = useState<MessagePreference>("email");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saved, setSaved] = useState(false);
  const errors = new FieldErrors(problem);
  const load = async () => {
    if (!personId) return;
    const result = await call(() => api.GET("/people/{person_id}", { params: { path: { person_id: personId } } }));
    if (!result.ok) return setProblem(result.problem);
    const p = result.data;
    setPerson(p);
    setFirst(p.first_name);
    setLast(p.last_name);
    setTitle(p.title);
    setDepartment(p.department);
    setPhones(p.phones.map((ph) => ({ kind: ph.kind ?? "work", number: ph.number })));
    setEmail(p.email ?? "");
    setKeywords(p.keywords.join(", "));
    setPreference(p.message_preference);
    setProblem(null);
    unsaved.value = false;
  };
  useEffect(() => {
    void load();
  }, [personId]);
  if (personId && !person && !problem) return <p role="status">{t("ms.loading")}</p>;
  const touched = (set: (v: string) => void) => (v: string) => {
    set(v);
    setSaved(false);
    unsaved.value = true;
  };
  const fields = () => ({
    first_name: first,
    last_name: last,
    title,
    department,
    phones: phones.filter((p) => p.number.trim()).map((p) => ({ kind: p.kind, number: p.number })),
    email: email.trim() || null,
    keywords: keywords
      .split(",")
      .map((k) => k.trim())
      .filter(Boolean),
    message_preference: preference,
  });
  const save = async (event: Event) => {
    event.preventDefault();
    const result = personId
      ? await call(() =>
          api.PUT("/people/{person_id}", {
            params: { path: { person_id: personId } },
            body: { ...fields(), expected_version: person?.version ?? 1 },
          }),
        )
      : await call(() => api.POST("/people", { body: { ...fields(), person_id: id || slugOf(`${first} ${last}`) } }));
    if (!result.ok) return setProblem(result.problem);
    unsaved.value = false;
    setProblem(null);
    if (!personId) return onDone();
    setPerson(result.data);
    setSaved(true);
  };
  const remove = async () => {
    if (!personId || !window.confirm(t("ms.people.deleteConfirm", { name: `${first} ${last}` }))) return;
    const result = await call(() => api.DELETE("/people/{person_id}", { params: { path: { person_id: personId } } }));
    if (!result.ok) return setProblem(result.problem);
    unsaved.value = false;
    onDone();
  };
  const ro = !editable;
  const name = personId ? `${person?.first_name ?? ""} ${person?.last_name ?? ""}` : t("ms.people.new");
  return (
    <section class="card" aria-label={name}>
      <form aria-label={personId ? t("ms.people.form", { name }) : t("ms.people.new")} onSubmit={save}>
        <h2>{name}</h2>
        <div class="row">
          <Field label={t("ms.people.first")} value={first} onInput={touched(setFirst)} error={errors.of("body.first_name")} readOnly={ro} />
          <Field label={t("ms.people.last")} value={last} onInput={touched(setLast)} error={errors.of("body.last_name")} readOnly={ro} />
        </div>
        {!personId && (
          <Field
            label={t("ms.people.id")}
            hint={t("ms.id.hint")}
            value={idTouched ? id : slugOf(`${first} ${last}`)}
            onInput={(v) => {
              setIdTouched(true);
              setId(v);
            }}
            error={errors.of("body.person_id")}
          />
        )}
        <div class="row">
          <Field label={t("ms.people.title")} value={title} onInput={touched(setTitle)} error={errors.of("body.title")} readOnly={ro} />
          <Field label={t("ms.people.department")} value={department} onInput={touched(setDepartment)} error={errors.of("body.department")} readOnly={ro} />
        </div>
        <h3>{t("person.numbers")}</h3>
        {ro && phones.length === 0 && <p>{t("ms.none")}</p>}
        {ro
          ? phones.map((p, i) => (
              <p key={i}>
                {t(`phone.${p.kind}`)} {displayNumber(p.number)}
              </p>
            ))
          : phones.map((p, i) => (
              <FieldGroup key={i} legend={t("ms.people.phone", { n: i + 1 })}>
                <div class="row">
                  <div class="field">
                    <label for={`phone-kind-${i}`}>{t("ms.people.phoneKind")}</label>
                    <select
                      id={`phone-kind-${i}`}
                      value={p.kind}
                      onChange={(e) => {
                        setPhones(phones.map((q, j) => (j === i ? { ...q, kind: e.currentTarget.value as PhoneDraft["kind"] } : q)));
                        unsaved.value = true;
                      }}
                    >
                      <option value="work">{t("phone.work")}</option>
                      <option value="mobile">{t("phone.mobile")}</option>
                      <option value="other">{t("phone.other")}</option>
                    </select>
                  </div>
                  <Field
                    label={t("ms.phone")}
                    type="tel"
                    value={p.number}
                    onInput={touched((v) => setPhones(phones.map((q, j) => (j === i ? { ...q, number: v } : q))))}
                    error={errors.of(`body.phones.${i}.number`) ?? errors.of(`body.phones.${i}`)}
                  />
                </div>
                <button type="button" onClick={() => setPhones(phones.filter((_, j) => j !== i))}>
                  {t("ms.people.removePhone", { n: i + 1 })}
                </button>
              </FieldGroup>
            ))}
        {editable && (
          <button type="button" onClick={() => setPhones([...phones, { kind: "mobile", number: "" }])}>
            {t("ms.people.addPhone")}
          </button>
        )}
        <Field label={t("ms.email")} type="email" value={email} onInput={touched(setEmail)} error={errors.of("body.email")} readOnly={ro} />
        <Field
          label={t("ms.people.keywords")}
          hint={t("ms.people.keywordsHint")}
          value={keywords}
          onInput={touched(setKeywords)}
          error={errors.of("body.keywords") ?? Object.entries(problem?.fields ?? {}).find(([f]) => f.startsWith("body.keywords."))?.[1]}
          readOnly={ro}
        />
        {ro ? (
          <Field label={t("ms.people.preference")} value={t(`channel.${preference}`)} readOnly />
        ) : (
          <fieldset class="field-group">
            <legend>{t("ms.people.preference")}</legend>
            {(["sms", "email", "both"] as const).map((value) => (
              <label key={value} class="inline">
                <input
                  type="radio"
                  name="preference"
                  value={value}
                  checked={preference === value}
                  onChange={() => {
                    setPreference(value);
                    unsaved.value = true;
                  }}
                />{" "}
                {t(`channel.${value}`)}
              </label>
            ))}
            {errors.of("body.message_preference") && <p class="field__error">{errors.of("body.message_preference")}</p>}
          </fieldset>
        )}
        <SaveBar
          problem={problem}
          errors={errors}
          onReload={() => void load()}
          editable={editable}
          saved={saved}
          saveLabel={personId ? t("ms.save") : t("ms.create")}
          deleteLabel={t("ms.people.delete")}
          onDelete={personId ? remove : null}
          onClose={onDone}
        />
      </form>
      {person && <Referrals api={api} person={person} editable={editable} names={names} onChanged={() => void load()} />}
      {person && personId && editable && <PersonData api={api} personId={personId} name={name} onErased={onDone} />}
    </section>
  );
}

interface Preset {
  key: "lunch" | "meeting" | "sick" | "vacation";
  text: string;
  until: string;
}

function at(day: Date, time: string, addDays = 0): string {
  const d = new Date(day.getTime() + addDays * 86_400_000);
  return `${toLocalInput(d.toISOString()).slice(0, 10)}T${time}`;
}

/** The presets of a referral, from `now` (Stockholm wall-clock values for the fields). */
export function presets(now: Date = new Date()): Preset[] {
  const inAnHour = toLocalInput(new Date(now.getTime() + 3_600_000).toISOString());
  const week = at(now, "08:00", 7);
  return [
    { key: "lunch", text: t("ms.preset.lunchText"), until: at(now, "13:00") },
    { key: "meeting", text: t("ms.preset.meetingText"), until: inAnHour },
    { key: "sick", text: t("ms.preset.sickText"), until: at(now, "08:00", 1) },
    { key: "vacation", text: t("ms.preset.vacationText", { date: week.slice(0, 10) }), until: week },
  ];
}

function Referrals({
  api,
  person,
  editable,
  names,
  onChanged,
}: {
  api: Api;
  person: Person;
  editable: boolean;
  names: Map<string, string>;
  onChanged: () => void;
}) {
  const now = () => toLocalInput(new Date().toISOString());
  const [text, setText] = useState("");
  const [from, setFrom] = useState(now);
  const [until, setUntil] = useState("");
  const [referTo, setReferTo] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const errors = new FieldErrors(problem);
  const lang = language.value;
  const referrals = [...(person.referrals ?? [])].sort((a, b) => Date.parse(a.valid_from) - Date.parse(b.valid_from));
  const add = async (event: Event) => {
    event.preventDefault();
    const referralId = `r${Date.now().toString(36)}`;
    const result = await call(() =>
      api.PUT("/people/{person_id}/referrals/{referral_id}", {
        params: { path: { person_id: person.person_id, referral_id: referralId } },
        body: {
          text,
          valid_from: fromLocalInput(from) ?? from,
          valid_until: until ? (fromLocalInput(until) ?? until) : null,
          refer_to_person_id: referTo || null,
        },
      }),
    );
    if (!result.ok) return setProblem(result.problem);
    setProblem(null);
    setText("");
    setUntil("");
    setReferTo("");
    onChanged();
  };
  const remove = async (referral: Referral) => {
    const result = await call(() =>
      api.DELETE("/people/{person_id}/referrals/{referral_id}", {
        params: { path: { person_id: person.person_id, referral_id: referral.referral_id } },
      }),
    );
    if (!result.ok) return setProblem(result.problem);
    onChanged();
  };
  const current = referralNow(referrals);
  return (
    <section aria-labelledby={`ref-${person.person_id}`}>
      <h3 id={`ref-${person.person_id}`}>{t("ms.referrals.title")}</h3>
      {referrals.length === 0 && <p>{t("ms.none")}</p>}
      <ul class="referrals">
        {referrals.map((r) => (
          <li key={r.referral_id}>
            <strong>{r.text}</strong> · {dateTime(r.valid_from, lang)} – {r.valid_until ? dateTime(r.valid_until, lang) : t("ms.referrals.open")}
            {r.refer_to_person_id && ` · ${t("person.referTo", { name: names.get(r.refer_to_person_id) ?? r.refer_to_person_id })}`}
            {r === current && <span class="badge"> {t("ms.referrals.now")}</span>}
            {editable && (
              <button type="button" onClick={() => void remove(r)}>
                {t("ms.referrals.remove", { text: r.text })}
              </button>
            )}
          </li>
        ))}
      </ul>
      {editable && (
        <form aria-label={t("ms.referrals.add")} onSubmit={add}>
          <h4>{t("ms.referrals.add")}</h4>
          <div class="presets" role="group" aria-label={t("ms.referrals.presets")}>
            {presets().map((preset) => (
              <button
                key={preset.key}
                type="button"
                onClick={() => {
                  setText(preset.text);
                  setFrom(now());
                  setUntil(preset.until);
                }}
              >
                {t(`ms.preset.${preset.key}`)}
              </button>
            ))}
          </div>
          <Field label={t("ms.referrals.text")} value={text} onInput={setText} error={errors.of("body.text")} required />
          <div class="row">
            <Field label={t("ms.validFrom")} type="datetime-local" value={from} onInput={setFrom} error={errors.of("body.valid_from")} />
            <Field
              label={t("ms.validUntil")}
              hint={t("ms.referrals.untilHint")}
              type="datetime-local"
              value={until}
              onInput={setUntil}
              error={errors.of("body.valid_until")}
            />
          </div>
          <div class="field">
            <label for={`refer-to-${person.person_id}`}>{t("ms.referrals.referTo")}</label>
            <select id={`refer-to-${person.person_id}`} value={referTo} onChange={(e) => setReferTo(e.currentTarget.value)}>
              <option value="">{t("ms.referrals.nobody")}</option>
              {[...names.entries()]
                .filter(([pid]) => pid !== person.person_id)
                .map(([pid, n]) => (
                  <option key={pid} value={pid}>
                    {n}
                  </option>
                ))}
            </select>
            {errors.of("body.refer_to_person_id") && <p class="field__error">{errors.of("body.refer_to_person_id")}</p>}
          </div>
          <ProblemBanner problem={problem} errors={errors} />
          <button type="submit" class="primary">
            {t("ms.referrals.save")}
          </button>
        </form>
      )}
    </section>
  );
}
