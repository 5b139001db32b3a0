// An edit form's state on Mina sidor (Kalender, Meddelanden, a common number): the API's problem
// and its field errors, "saving" and "saved", the page-wide `unsaved` flag on each change, and the
// round trips of save, delete and "Ladda om" after a conflict.
import { useState } from "preact/hooks";
import type { Problem, Result } from "./api";
import { FieldErrors, unsaved } from "./problems";

export function useEditForm(initiallySaved = false) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(initiallySaved);
  const errors = new FieldErrors(problem);
  /** The form differs from what is stored: no "saved", and leaving asks first. */
  const changed = () => {
    setSaved(false);
    unsaved.value = true;
  };
  /** A field's setter that also marks the form changed. */
  const touched =
    <T>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      changed();
    };
  /** The submit handler: `send`, then the API's problem on the form, or "saved" and `then`. */
  const submit =
    <T>(send: () => Promise<Result<T>>, then: (saved: T) => void) =>
    async (event: Event) => {
      event.preventDefault();
      setSaving(true);
      const result = await send();
      setSaving(false);
      if (!result.ok) return setProblem(result.problem);
      setProblem(null);
      setSaved(true);
      unsaved.value = false;
      then(result.data);
    };
  /** Deletes after the user confirms `question`; `then` once it is gone. */
  const remove = (question: string, send: () => Promise<Result<unknown>>, then: () => void) => async () => {
    if (!window.confirm(question)) return;
    const result = await send();
    if (!result.ok) return setProblem(result.problem);
    unsaved.value = false;
    then();
  };
  /** "Ladda om": drops the changes and the problem, and `then` fetches what is stored. */
  const reload = (then: () => void) => () => {
    unsaved.value = false;
    setProblem(null);
    then();
  };
  /** What the form's `SaveBar` shows of this state. */
  const bar = { problem, errors, saved, saving };
  return { problem, setProblem, errors, saved, changed, touched, submit, remove, reload, bar };
}
