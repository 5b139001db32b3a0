// Form fields as the style guide asks: the label above, the API's own words under the field
// (`aria-invalid`, `aria-describedby`), or, for someone who may only read, the value as text.
import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";

interface FieldProps {
  label: string;
  value: string;
  onInput?: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  /** Shows the value as text: no control for someone who cannot change it. */
  readOnly?: boolean;
  multiline?: boolean;
  type?: "text" | "email" | "tel" | "time" | "datetime-local" | "month" | "date";
  required?: boolean;
  list?: string;
  /** What a read-only view shows for an empty value. */
  empty?: string;
}

export function Field(props: FieldProps) {
  const id = useId();
  const { label, value, error, hint, readOnly, multiline, type = "text", required, list, empty = "–" } = props;
  if (readOnly) {
    return (
      <div class="field field--read">
        <span class="field__label" id={`${id}-l`}>
          {label}
        </span>
        <p class="field__value" aria-labelledby={`${id}-l`}>
          {value || empty}
        </p>
      </div>
    );
  }
  const described = [hint ? `${id}-h` : "", error ? `${id}-e` : ""].filter(Boolean).join(" ") || undefined;
  const shared = {
    id,
    value,
    required,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": described,
    onInput: (event: Event) => props.onInput?.((event.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class={`field${error ? " field--error" : ""}`}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="field__hint" id={`${id}-h`}>
          {hint}
        </p>
      )}
      {multiline ? <textarea rows={3} {...shared} /> : <input type={type} list={list} {...shared} />}
      {error && (
        <p class="field__error" id={`${id}-e`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A group of fields under a legend (a notice, an FAQ entry, a door code). */
export function FieldGroup({ legend, children }: { legend: string; children: ComponentChildren }) {
  return (
    <fieldset class="field-group">
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}
