import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Api } from "../api/client";
import { type MessageKey, t } from "../i18n/catalogue";
import { type MessageFormView, type MessageInput, messageForm, type PersonMatch, type SubmitResult, sendMessage } from "./api";
import { failureText } from "./failure";

interface Props {
  api: Api;
  tenantId: string;
  match: PersonMatch;
  callerNumber: string | null;
  onSent: (result: SubmitResult) => void;
}

type FieldName = "caller_name" | "caller_company" | "caller_number" | "text";
const LABELS: Record<FieldName, MessageKey> = {
  caller_name: "message.callerName",
  caller_company: "message.callerCompany",
  caller_number: "message.callerNumber",
  text: "message.text",
};
const ALWAYS_REQUIRED: FieldName[] = ["caller_name", "text"];

/** A message for the person: caller's number prefilled, cursor in the text, required fields checked first. */
export function MessageForm({ api, tenantId, match, callerNumber, onSent }: Props) {
  const [form, setForm] = useState<MessageFormView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [values, setValues] = useState<Record<FieldName, string>>({
    caller_name: "",
    caller_company: "",
    caller_number: callerNumber ?? "",
    text: "",
  });
  const [urgent, setUrgent] = useState(false);
  const [callback, setCallback] = useState(false);
  const [channel, setChannel] = useState<"" | "sms" | "email" | "both">("");
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const [sent, setSent] = useState<SubmitResult | null>(null);
  const requestId = useMemo(() => crypto.randomUUID(), []); // one per message: a double submit sends once
  const textRef = useRef<HTMLTextAreaElement>(null);
  const personId = match.person.person_id;

  useEffect(() => {
    textRef.current?.focus();
    messageForm(api, tenantId, personId).then((result) => {
      if (result.ok) setForm(result.data);
      else setLoadError(failureText(result.failure, "other"));
    });
  }, [api, tenantId, personId]);

  const required = new Set<string>([...ALWAYS_REQUIRED, ...(form?.required_fields ?? [])]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (sending || sent) return;
    const missing = (Object.keys(LABELS) as FieldName[]).filter((name) => required.has(name) && !values[name].trim());
    const found: Partial<Record<FieldName, string>> = {};
    for (const name of missing) found[name] = t("message.required", { field: t(LABELS[name]) });
    setErrors(found);
    if (missing.length) {
      document.getElementById(`message-${missing[0]}`)?.focus();
      return;
    }
    const body: MessageInput = {
      person_id: personId,
      request_id: requestId,
      caller_name: values.caller_name.trim(),
      caller_company: values.caller_company.trim() || null,
      caller_number: values.caller_number.trim() || null,
      text: values.text.trim(),
      callback_wanted: callback,
      urgency: urgent ? "urgent" : "normal",
      channel: channel || null,
    };
    setSending(true);
    setSendError(null);
    const result = await sendMessage(api, tenantId, body);
    setSending(false);
    if (result.ok) {
      setSent(result.data);
      onSent(result.data);
      return;
    }
    const field = result.failure.kind === "status" ? result.failure.field : null;
    if (field && field in LABELS) {
      setErrors({ [field]: result.failure.kind === "status" ? (result.failure.message ?? "") : "" });
      document.getElementById(`message-${field}`)?.focus();
    } else setSendError(t("message.failed", { detail: failureText(result.failure, "other") }));
  };

  const field = (name: FieldName, multiline = false) => {
    const id = `message-${name}`;
    const error = errors[name];
    const common = {
      id,
      name,
      value: values[name],
      required: required.has(name),
      "aria-invalid": error ? true : undefined,
      "aria-describedby": error ? `${id}-error` : undefined,
      onInput: (event: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
        setValues((current) => ({ ...current, [name]: event.currentTarget.value })),
    };
    return (
      <div class="field">
        <label for={id}>{t(LABELS[name])}</label>
        {multiline ? (
          <textarea {...common} ref={textRef} rows={3} maxLength={form?.max_text_chars ?? 1000} />
        ) : (
          <input {...common} type={name === "caller_number" ? "tel" : "text"} autocomplete="off" />
        )}
        {error && (
          <p id={`${id}-error`} class="field__error">
            {error}
          </p>
        )}
      </div>
    );
  };

  return (
    <form class="message" aria-labelledby="message-title" onSubmit={submit} noValidate>
      <h2 id="message-title">{t("message.title", { name: match.name })}</h2>
      {form?.instructions && (
        <p class="message__instructions">
          <strong>{t("message.instructions")}:</strong> {form.instructions}
        </p>
      )}
      {loadError && <p role="alert">{loadError}</p>}
      {field("text", true)}
      {field("caller_name")}
      {field("caller_company")}
      {field("caller_number")}
      <div class="message__options">
        <label>
          <input type="checkbox" checked={urgent} onChange={(event) => setUrgent(event.currentTarget.checked)} />{" "}
          {t("message.urgent")}
        </label>
        <label>
          <input type="checkbox" checked={callback} onChange={(event) => setCallback(event.currentTarget.checked)} />{" "}
          {t("message.callback")}
        </label>
        <label for="message-channel">{t("message.channel")}</label>
        <select
          id="message-channel"
          value={channel}
          onChange={(event) => setChannel(event.currentTarget.value as typeof channel)}
        >
          <option value="">{t("message.channelDefault", { preference: t(`channel.${match.message_preference}`) })}</option>
          <option value="sms">{t("channel.sms")}</option>
          <option value="email">{t("channel.email")}</option>
          <option value="both">{t("channel.both")}</option>
        </select>
      </div>
      <button type="submit" disabled={sending || sent !== null}>
        {sending ? t("message.sending") : t("message.send")}
      </button>
      {sendError && <p role="alert">{sendError}</p>}
      {sent && (
        <p class="message__sent" role="status">
          {t("message.sent", { id: sent.message_id })}
        </p>
      )}
    </form>
  );
}
