// Nummer och svar: each common number's general information, opening hours and closed message,
// with the operator's own script panel as the preview of what they will see.
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../../api/client";
import { Field, FieldGroup } from "../../components/Field";
import { language, t } from "../../i18n/catalogue";
import { ScriptPanel } from "../../operator/ScriptPanel";
import { type CommonNumber, type CommonNumberInput, call, listCommonNumbers, type Problem } from "../api";
import { clock, fromLocalInput, isOpenAt, toLocalInput, weekdayName } from "../format";
import { useEditForm } from "../form";
import { confirmLeave, FieldErrors, ProblemBanner, SaveBar } from "../problems";

interface NoticeDraft {
  text: string;
  from: string;
  until: string;
}
interface DayDraft {
  open: boolean;
  opens: string;
  closes: string;
}
export interface Draft {
  name: string;
  howToAnswer: string;
  howToTransfer: string;
  howToTakeMessages: string;
  notices: NoticeDraft[];
  faq: { question: string; answer: string }[];
  contacts: { name: string; role: string; phone: string; email: string }[];
  days: DayDraft[];
  closedMessage: string;
}

const NOTICE_SEPARATOR = " • "; // telefonist.inbound.attributes.TEMPORARY_INFORMATION_SEPARATOR

export function draftOf(common: CommonNumber): Draft {
  const weekly = common.opening_hours.weekly ?? {};
  return {
    name: common.name,
    howToAnswer: common.info.how_to_answer,
    howToTransfer: common.info.how_to_transfer ?? "",
    howToTakeMessages: common.info.how_to_take_messages ?? "",
    notices: (common.info.temporary_information ?? []).map((n) => ({
      text: n.text,
      from: toLocalInput(n.valid_from),
      until: toLocalInput(n.valid_until),
    })),
    faq: (common.info.faq ?? []).map((f) => ({ ...f })),
    contacts: (common.info.contacts ?? []).map((c) => ({
      name: c.name,
      role: c.role ?? "",
      phone: c.phone_number ?? "",
      email: c.email ?? "",
    })),
    days: Array.from({ length: 7 }, (_, day) => {
      const hours = weekly[String(day)];
      return hours?.[0] && hours[1]
        ? { open: true, opens: clock(hours[0]), closes: clock(hours[1]) }
        : { open: false, opens: "08:00", closes: "17:00" };
    }),
    closedMessage: common.opening_hours.closed_message ?? "",
  };
}

/** The request body of a draft; a time the page cannot read goes as typed, for the API to name. */
export function inputOf(draft: Draft, expectedVersion: number): CommonNumberInput {
  const weekly: Record<string, [string, string]> = {};
  draft.days.forEach((day, index) => {
    if (day.open) weekly[String(index)] = [day.opens, day.closes];
  });
  return {
    name: draft.name,
    info: {
      how_to_answer: draft.howToAnswer,
      how_to_transfer: draft.howToTransfer,
      how_to_take_messages: draft.howToTakeMessages,
      temporary_information: draft.notices.map((n) => ({
        text: n.text,
        valid_from: fromLocalInput(n.from) ?? n.from,
        valid_until: fromLocalInput(n.until) ?? n.until,
      })),
      faq: draft.faq,
      contacts: draft.contacts.map((c) => ({
        name: c.name,
        role: c.role,
        phone_number: c.phone.trim() || null,
        email: c.email.trim() || null,
      })),
    },
    opening_hours: { weekly, closed_message: draft.closedMessage },
    expected_version: expectedVersion,
  };
}

/** The contact attributes the operator's page would get for a call now (telefonist.inbound.attributes). */
export function previewAttributes(draft: Draft, now: Date = new Date()): Record<string, string> {
  const input = inputOf(draft, 0);
  const notices = draft.notices.filter((n) => {
    const from = fromLocalInput(n.from);
    const until = fromLocalInput(n.until);
    return n.text.trim() && from && until && new Date(from) <= now && now < new Date(until);
  });
  const open = isOpenAt(input.opening_hours?.weekly ?? {}, now);
  return {
    how_to_answer: draft.howToAnswer,
    temporary_information: notices.map((n) => n.text.trim()).join(NOTICE_SEPARATOR),
    how_to_transfer: draft.howToTransfer,
    how_to_take_messages: draft.howToTakeMessages,
    open: open ? "true" : "false",
    closed_message: open ? "" : draft.closedMessage,
  };
}

export function CommonNumbersPage({ api, editable }: { api: Api; editable: boolean }) {
  const [list, setList] = useState<CommonNumber[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [creating, setCreating] = useState(false);
  const [justSaved, setJustSaved] = useState<string | null>(null);
  const load = async (select?: string) => {
    const result = await listCommonNumbers(api);
    if (!result.ok) return setProblem(result.problem);
    setList(result.data);
    setSelected(select ?? result.data[0]?.common_number_id ?? null);
  };
  useEffect(() => {
    void load();
  }, [api]);
  if (problem) return <ProblemBanner problem={problem} />;
  if (!list) return <p role="status">{t("ms.loading")}</p>;
  const current = list.find((c) => c.common_number_id === selected) ?? null;
  return (
    <>
      <h1>{t("ms.nav.numbers")}</h1>
      <div class="picker">
        <label for="cn-pick">{t("ms.numbers.pick")}</label>
        <select
          id="cn-pick"
          value={selected ?? ""}
          onChange={(e) => {
            if (confirmLeave()) setSelected(e.currentTarget.value);
            else e.currentTarget.value = selected ?? "";
          }}
        >
          {list.map((c) => (
            <option key={c.common_number_id} value={c.common_number_id}>
              {c.name}
            </option>
          ))}
        </select>
        {editable && (
          <button type="button" onClick={() => setCreating(!creating)}>
            {t("ms.numbers.new")}
          </button>
        )}
      </div>
      {creating && editable && (
        <NewCommonNumber
          api={api}
          onCreated={(id) => {
            setCreating(false);
            void load(id);
          }}
        />
      )}
      {current && (
        <CommonNumberEditor
          key={`${current.common_number_id}:${current.version}`}
          api={api}
          common={current}
          editable={editable}
          justSaved={justSaved === `${current.common_number_id}:${current.version}`}
          onSaved={(saved) => {
            setJustSaved(`${saved.common_number_id}:${saved.version}`);
            setList(list.map((c) => (c.common_number_id === saved.common_number_id ? saved : c)));
          }}
          onReload={() => void load(current.common_number_id)}
          onDeleted={() => void load()}
        />
      )}
    </>
  );
}

function NewCommonNumber({ api, onCreated }: { api: Api; onCreated: (id: string) => void }) {
  const [id, setId] = useState("");
  const [name, setName] = useState("");
  const [answer, setAnswer] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const errors = new FieldErrors(problem);
  const create = async (event: Event) => {
    event.preventDefault();
    const result = await call(() =>
      api.PUT("/common-numbers/{common_number_id}", {
        params: { path: { common_number_id: id } },
        body: { name, info: { how_to_answer: answer, how_to_transfer: "", how_to_take_messages: "" }, expected_version: 0 },
      }),
    );
    if (result.ok) onCreated(result.data.common_number_id);
    else setProblem(result.problem);
  };
  return (
    <form class="card" aria-label={t("ms.numbers.new")} onSubmit={create}>
      <Field label={t("ms.numbers.id")} hint={t("ms.id.hint")} value={id} onInput={setId} error={errors.of("path.common_number_id")} required />
      <Field label={t("ms.numbers.name")} value={name} onInput={setName} error={errors.of("body.name")} required />
      <Field label={t("script.howToAnswer")} value={answer} onInput={setAnswer} error={errors.of("body.info.how_to_answer")} required />
      <ProblemBanner problem={problem} errors={errors} />
      <button type="submit" class="primary">
        {t("ms.create")}
      </button>
    </form>
  );
}

function CommonNumberEditor({
  api,
  common,
  editable,
  justSaved,
  onSaved,
  onReload,
  onDeleted,
}: {
  api: Api;
  common: CommonNumber;
  editable: boolean;
  justSaved: boolean;
  onSaved: (saved: CommonNumber) => void;
  onReload: () => void;
  onDeleted: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(common));
  const form = useEditForm(justSaved);
  const lang = language.value;
  const { errors } = form;
  const change = (next: Partial<Draft>) => {
    setDraft({ ...draft, ...next });
    form.changed();
  };
  const path = { params: { path: { common_number_id: common.common_number_id } } };
  const save = form.submit(
    () => call(() => api.PUT("/common-numbers/{common_number_id}", { ...path, body: inputOf(draft, common.version) })),
    onSaved,
  );
  const remove = form.remove(
    t("ms.numbers.deleteConfirm", { name: common.name }),
    () => call(() => api.DELETE("/common-numbers/{common_number_id}", path)),
    onDeleted,
  );
  const ro = !editable;
  const list = <K extends "notices" | "faq" | "contacts">(key: K, index: number, value: Partial<Draft[K][number]>) => {
    const items = [...draft[key]] as Draft[K][number][];
    items[index] = { ...(items[index] as Draft[K][number]), ...value };
    change({ [key]: items } as Partial<Draft>);
  };
  const drop = (key: "notices" | "faq" | "contacts", index: number) =>
    change({ [key]: draft[key].filter((_, i) => i !== index) } as Partial<Draft>);
  const info = "body.info";
  return (
    <div class="editor">
      <form class="editor__form" aria-label={t("ms.numbers.form", { name: common.name })} onSubmit={save}>
        <Field label={t("ms.numbers.name")} value={draft.name} onInput={(v) => change({ name: v })} error={errors.of("body.name")} readOnly={ro} />
        <h2>{t("ms.numbers.general")}</h2>
        <Field
          label={t("script.howToAnswer")}
          hint={t("ms.numbers.howToAnswerHint")}
          value={draft.howToAnswer}
          onInput={(v) => change({ howToAnswer: v })}
          error={errors.of(`${info}.how_to_answer`)}
          readOnly={ro}
        />
        <Field
          label={t("script.howToTransfer")}
          multiline
          value={draft.howToTransfer}
          onInput={(v) => change({ howToTransfer: v })}
          error={errors.of(`${info}.how_to_transfer`)}
          readOnly={ro}
        />
        <Field
          label={t("script.howToTakeMessages")}
          multiline
          value={draft.howToTakeMessages}
          onInput={(v) => change({ howToTakeMessages: v })}
          error={errors.of(`${info}.how_to_take_messages`)}
          readOnly={ro}
        />

        <h2>{t("script.temporary")}</h2>
        <p class="muted">{t("ms.numbers.temporaryHint")}</p>
        {draft.notices.length === 0 && <p>{t("ms.none")}</p>}
        {draft.notices.map((notice, i) => {
          const path = `${info}.temporary_information.${i}`;
          return (
            <FieldGroup key={i} legend={t("ms.numbers.notice", { n: i + 1 })}>
              <Field label={t("ms.numbers.noticeText")} value={notice.text} onInput={(v) => list("notices", i, { text: v })} error={errors.of(`${path}.text`)} readOnly={ro} />
              <div class="row">
                <Field
                  label={t("ms.validFrom")}
                  type="datetime-local"
                  value={notice.from}
                  onInput={(v) => list("notices", i, { from: v })}
                  error={errors.of(`${path}.valid_from`)}
                  readOnly={ro}
                />
                <Field
                  label={t("ms.validUntil")}
                  type="datetime-local"
                  value={notice.until}
                  onInput={(v) => list("notices", i, { until: v })}
                  error={errors.of(`${path}.valid_until`) ?? errors.of(path)}
                  readOnly={ro}
                />
              </div>
              <p class="muted">{noticeState(notice)}</p>
              {editable && (
                <button type="button" onClick={() => drop("notices", i)}>
                  {t("ms.numbers.removeNotice", { n: i + 1 })}
                </button>
              )}
            </FieldGroup>
          );
        })}
        {editable && (
          <button type="button" onClick={() => change({ notices: [...draft.notices, newNotice()] })}>
            {t("ms.numbers.addNotice")}
          </button>
        )}

        <h2>{t("ms.numbers.faq")}</h2>
        {draft.faq.length === 0 && <p>{t("ms.none")}</p>}
        {draft.faq.map((entry, i) => (
          <FieldGroup key={i} legend={t("ms.numbers.faqEntry", { n: i + 1 })}>
            <Field label={t("ms.numbers.question")} value={entry.question} onInput={(v) => list("faq", i, { question: v })} error={errors.of(`${info}.faq.${i}.question`)} readOnly={ro} />
            <Field label={t("ms.numbers.answer")} multiline value={entry.answer} onInput={(v) => list("faq", i, { answer: v })} error={errors.of(`${info}.faq.${i}.answer`)} readOnly={ro} />
            {editable && (
              <button type="button" onClick={() => drop("faq", i)}>
                {t("ms.numbers.removeFaq", { n: i + 1 })}
              </button>
            )}
          </FieldGroup>
        ))}
        {editable && (
          <button type="button" onClick={() => change({ faq: [...draft.faq, { question: "", answer: "" }] })}>
            {t("ms.numbers.addFaq")}
          </button>
        )}

        <h2>{t("ms.numbers.contacts")}</h2>
        {draft.contacts.length === 0 && <p>{t("ms.none")}</p>}
        {draft.contacts.map((c, i) => {
          const path = `${info}.contacts.${i}`;
          return (
            <FieldGroup key={i} legend={t("ms.numbers.contact", { n: i + 1 })}>
              <div class="row">
                <Field label={t("ms.name")} value={c.name} onInput={(v) => list("contacts", i, { name: v })} error={errors.of(`${path}.name`)} readOnly={ro} />
                <Field label={t("ms.numbers.role")} value={c.role} onInput={(v) => list("contacts", i, { role: v })} error={errors.of(`${path}.role`)} readOnly={ro} />
              </div>
              <div class="row">
                <Field label={t("ms.phone")} type="tel" value={c.phone} onInput={(v) => list("contacts", i, { phone: v })} error={errors.of(`${path}.phone_number`)} readOnly={ro} />
                <Field label={t("ms.email")} type="email" value={c.email} onInput={(v) => list("contacts", i, { email: v })} error={errors.of(`${path}.email`)} readOnly={ro} />
              </div>
              {editable && (
                <button type="button" onClick={() => drop("contacts", i)}>
                  {t("ms.numbers.removeContact", { n: i + 1 })}
                </button>
              )}
            </FieldGroup>
          );
        })}
        {editable && (
          <button type="button" onClick={() => change({ contacts: [...draft.contacts, { name: "", role: "", phone: "", email: "" }] })}>
            {t("ms.numbers.addContact")}
          </button>
        )}

        <h2>{t("ms.numbers.hours")}</h2>
        <p class="note">{t("ms.numbers.hoursRule")}</p>
        <table class="hours">
          <caption class="visually-hidden">{t("ms.numbers.hours")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("ms.numbers.day")}</th>
              <th scope="col">{t("ms.numbers.openDay")}</th>
              <th scope="col">{t("ms.numbers.opens")}</th>
              <th scope="col">{t("ms.numbers.closes")}</th>
            </tr>
          </thead>
          <tbody>
            {draft.days.map((day, i) => {
              const name = weekdayName(i, lang);
              const dayError =
                errors.of(`body.opening_hours.weekly.${i}`) ??
                errors.of(`body.opening_hours.weekly.${i}.0`) ??
                errors.of(`body.opening_hours.weekly.${i}.1`);
              const set = (value: Partial<DayDraft>) => {
                const days = [...draft.days];
                days[i] = { ...day, ...value };
                change({ days });
              };
              return (
                <tr key={i}>
                  <th scope="row">{name}</th>
                  {ro ? (
                    <td colSpan={3}>{day.open ? `${day.opens}–${day.closes}` : t("ms.numbers.closedDay")}</td>
                  ) : (
                    <>
                      <td>
                        <input
                          type="checkbox"
                          checked={day.open}
                          aria-label={t("ms.numbers.openOn", { day: name })}
                          onChange={(e) => set({ open: e.currentTarget.checked })}
                        />
                      </td>
                      <td>
                        <input
                          type="time"
                          value={day.opens}
                          disabled={!day.open}
                          aria-label={t("ms.numbers.opensOn", { day: name })}
                          aria-invalid={dayError ? true : undefined}
                          onInput={(e) => set({ opens: e.currentTarget.value })}
                        />
                      </td>
                      <td>
                        <input
                          type="time"
                          value={day.closes}
                          disabled={!day.open}
                          aria-label={t("ms.numbers.closesOn", { day: name })}
                          aria-invalid={dayError ? true : undefined}
                          onInput={(e) => set({ closes: e.currentTarget.value })}
                        />
                        {dayError && <p class="field__error">{dayError}</p>}
                      </td>
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
        {errors.of("body.opening_hours") && <p class="field__error">{errors.of("body.opening_hours")}</p>}
        <Field
          label={t("ms.numbers.closedMessage")}
          hint={t("ms.numbers.closedMessageHint")}
          multiline
          value={draft.closedMessage}
          onInput={(v) => change({ closedMessage: v })}
          error={errors.of("body.opening_hours.closed_message")}
          readOnly={ro}
        />
        <SaveBar
          {...form.bar}
          onReload={form.reload(onReload)}
          editable={editable}
          deleteLabel={t("ms.numbers.delete")}
          onDelete={remove}
        />
      </form>
      <aside class="preview" aria-label={t("ms.numbers.preview")}>
        <h2>{t("ms.numbers.preview")}</h2>
        <p class="muted">{t("ms.numbers.previewHint")}</p>
        <div class="preview__panel">
          <ScriptPanel attributes={previewAttributes(draft)} />
        </div>
      </aside>
    </div>
  );
}

function newNotice(): NoticeDraft {
  const now = new Date();
  const start = new Date(now);
  start.setUTCDate(start.getUTCDate() + 1);
  const from = `${toLocalInput(start.toISOString()).slice(0, 10)}T08:00`;
  return { text: "", from, until: `${from.slice(0, 10)}T17:00` };
}

function noticeState(notice: NoticeDraft): string {
  const from = fromLocalInput(notice.from);
  const until = fromLocalInput(notice.until);
  if (!from || !until) return "";
  const now = new Date();
  if (new Date(until) <= now) return t("ms.notice.expired");
  if (new Date(from) > now) return t("ms.notice.scheduled");
  return t("ms.notice.showing");
}
