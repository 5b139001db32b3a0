// Meddelanden: the customer's rules for messages (the urgent channel, what the operator must ask
// for, the SMS and e-mail texts), and a common number's own rules that replace them.
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../../api/client";
import { Field, FieldGroup } from "../../components/Field";
import { type MessageKey, t } from "../../i18n/catalogue";
import {
  call,
  type CommonNumber,
  listCommonNumbers,
  type MessageTemplate,
  type MessageTemplateInput,
  type MessageTemplates,
  type Problem,
  type RequiredField,
} from "../api";
import { useEditForm } from "../form";
import { confirmLeave, ProblemBanner, SaveBar } from "../problems";

const REQUIRED: readonly RequiredField[] = ["caller_number", "caller_company", "caller_email"];
type Urgent = NonNullable<MessageTemplate["urgent_channel"]> | "";
const URGENT: readonly Urgent[] = ["", "sms", "email", "both"];
const CUSTOMER = "";

export function MessagesPage({ api, editable }: { api: Api; editable: boolean }) {
  const [templates, setTemplates] = useState<MessageTemplates | null>(null);
  const [numbers, setNumbers] = useState<CommonNumber[]>([]);
  const [scope, setScope] = useState(CUSTOMER);
  const [problem, setProblem] = useState<Problem | null>(null);
  const load = async () => {
    const [listed, common] = await Promise.all([
      call(() => api.GET("/message-templates")),
      listCommonNumbers(api),
    ]);
    if (!listed.ok) return setProblem(listed.problem);
    setProblem(null);
    setTemplates(listed.data);
    if (common.ok) setNumbers(common.data);
  };
  useEffect(() => {
    void load();
  }, [api]);
  const customer = templates?.items.find((item) => item.common_number_id === null) ?? null;
  const own = templates?.items.find((item) => item.common_number_id === scope && scope !== CUSTOMER) ?? null;
  const number = numbers.find((n) => n.common_number_id === scope);
  const name = number ? number.name : t("ms.messages.customer");
  return (
    <>
      <h1>{t("ms.nav.messages")}</h1>
      <p>{t("ms.messages.intro")}</p>
      <ProblemBanner problem={problem} />
      <div class="picker">
        <div class="field">
          <label for="messages-scope">{t("ms.messages.scope")}</label>
          <select
            id="messages-scope"
            value={scope}
            onChange={(e) => {
              const next = e.currentTarget.value;
              if (next === scope) return;
              if (!confirmLeave()) {
                e.currentTarget.value = scope;
                return;
              }
              setScope(next);
            }}
          >
            <option value={CUSTOMER}>{t("ms.messages.customer")}</option>
            {numbers.map((n) => (
              <option key={n.common_number_id} value={n.common_number_id}>
                {n.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {!templates || !customer ? (
        !problem && <p role="status">{t("ms.loading")}</p>
      ) : scope === CUSTOMER ? (
        <RulesForm key="customer" api={api} editable={editable} name={name} scope={null} current={customer} placeholders={templates.placeholders} onSaved={load} />
      ) : own ? (
        <RulesForm key={scope} api={api} editable={editable} name={name} scope={scope} current={own} placeholders={templates.placeholders} onSaved={load} />
      ) : (
        <section aria-label={t("ms.messages.form", { name })}>
          <p>{t("ms.messages.followsCustomer", { name })}</p>
          {editable && (
            <OwnRulesButton api={api} scope={scope} name={name} from={customer} onCreated={load} />
          )}
        </section>
      )}
    </>
  );
}

function bodyOf(template: MessageTemplate, version: number): MessageTemplateInput {
  return {
    sms: template.sms,
    email_subject: template.email_subject,
    email_body: template.email_body,
    required_fields: template.required_fields,
    urgent_channel: template.urgent_channel ?? null,
    expected_version: version,
  };
}

function save(api: Api, scope: string | null, body: MessageTemplateInput) {
  if (scope === null) return call(() => api.PUT("/message-template", { body }));
  return call(() =>
    api.PUT("/common-numbers/{common_number_id}/message-template", {
      params: { path: { common_number_id: scope } },
      body,
    }),
  );
}

/** A common number gets its own rules, starting from the customer's. */
function OwnRulesButton(props: { api: Api; scope: string; name: string; from: MessageTemplate; onCreated: () => void }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const create = async () => {
    const result = await save(props.api, props.scope, bodyOf(props.from, 0));
    if (!result.ok) return setProblem(result.problem);
    props.onCreated();
  };
  return (
    <>
      <ProblemBanner problem={problem} onReload={props.onCreated} />
      <button type="button" onClick={create}>
        {t("ms.messages.own", { name: props.name })}
      </button>
    </>
  );
}

function RulesForm(props: {
  api: Api;
  editable: boolean;
  name: string;
  scope: string | null;
  current: MessageTemplate;
  placeholders: string[];
  onSaved: () => void;
}) {
  const { api, editable, name, scope, current, onSaved } = props;
  const [urgent, setUrgent] = useState<Urgent>(current.urgent_channel ?? "");
  const [required, setRequired] = useState<RequiredField[]>(current.required_fields);
  const [sms, setSms] = useState(current.sms);
  const [subject, setSubject] = useState(current.email_subject);
  const [emailBody, setEmailBody] = useState(current.email_body);
  const form = useEditForm();
  const { errors, touched } = form;
  const submit = form.submit(
    () =>
      save(api, scope, {
        sms,
        email_subject: subject,
        email_body: emailBody,
        required_fields: REQUIRED.filter((field) => required.includes(field)),
        urgent_channel: urgent || null,
        expected_version: current.version,
      }),
    onSaved,
  );
  const remove =
    scope === null
      ? null
      : form.remove(
          t("ms.messages.removeConfirm", { name }),
          () =>
            call(() =>
              api.DELETE("/common-numbers/{common_number_id}/message-template", {
                params: { path: { common_number_id: scope }, query: { expected_version: current.version } },
              }),
            ),
          onSaved,
        );
  const ro = !editable;
  const urgentError = errors.of("body.urgent_channel");
  const requiredError = REQUIRED.map((_, i) => errors.of(`body.required_fields.${i}`)).find(Boolean) ?? errors.of("body.required_fields");
  return (
    <form class="editor__form" aria-label={t("ms.messages.form", { name })} onSubmit={submit}>
      {current.version === 0 && <p class="muted">{t("ms.messages.defaults")}</p>}
      {ro ? (
        <Field label={t("ms.messages.urgent")} value={t(`ms.messages.urgent.${urgent || "none"}` as MessageKey)} readOnly />
      ) : (
        <div class={`field${urgentError ? " field--error" : ""}`}>
          <label for="messages-urgent">{t("ms.messages.urgent")}</label>
          <p class="field__hint" id="messages-urgent-hint">
            {t("ms.messages.urgent.hint")}
          </p>
          <select
            id="messages-urgent"
            value={urgent}
            aria-describedby={urgentError ? "messages-urgent-hint messages-urgent-error" : "messages-urgent-hint"}
            aria-invalid={urgentError ? true : undefined}
            onChange={(e) => touched(setUrgent)(e.currentTarget.value as Urgent)}
          >
            {URGENT.map((channel) => (
              <option key={channel} value={channel}>
                {t(`ms.messages.urgent.${channel || "none"}` as MessageKey)}
              </option>
            ))}
          </select>
          {urgentError && (
            <p class="field__error" id="messages-urgent-error">
              {urgentError}
            </p>
          )}
        </div>
      )}
      <FieldGroup legend={t("ms.messages.required")}>
        <p class="field__hint">{t("ms.messages.required.hint")}</p>
        {ro ? (
          <p>
            {required.length
              ? required.map((field) => t(`ms.messages.required.${field}` as MessageKey)).join(", ")
              : t("ms.none")}
          </p>
        ) : (
          REQUIRED.map((field) => (
            <label key={field} class="check">
              <input
                type="checkbox"
                checked={required.includes(field)}
                onChange={(e) =>
                  touched(setRequired)(
                    e.currentTarget.checked ? [...required, field] : required.filter((f) => f !== field),
                  )
                }
              />{" "}
              {t(`ms.messages.required.${field}` as MessageKey)}
            </label>
          ))
        )}
        {requiredError && <p class="field__error">{requiredError}</p>}
      </FieldGroup>
      <FieldGroup legend={t("ms.messages.texts")}>
        <p class="field__hint">
          {t("ms.messages.placeholders", {
            list: props.placeholders.map((placeholder) => `\${${placeholder}}`).join(", "),
            text: "${text}",
          })}
        </p>
        <Field label={t("ms.messages.sms")} multiline value={sms} onInput={touched(setSms)} error={errors.of("body.sms")} readOnly={ro} />
        <Field
          label={t("ms.messages.emailSubject")}
          value={subject}
          onInput={touched(setSubject)}
          error={errors.of("body.email_subject")}
          readOnly={ro}
        />
        <Field
          label={t("ms.messages.emailBody")}
          multiline
          value={emailBody}
          onInput={touched(setEmailBody)}
          error={errors.of("body.email_body")}
          readOnly={ro}
        />
      </FieldGroup>
      <SaveBar
        {...form.bar}
        onReload={form.reload(onSaved)}
        editable={editable}
        deleteLabel={t("ms.messages.removeOwn")}
        onDelete={remove}
      />
    </form>
  );
}
