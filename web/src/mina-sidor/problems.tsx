// The API's error body on a form: each field's message under the field, what no field shows
// in the save bar, and a 409 as "someone else changed this: reload".
import { signal } from "@preact/signals";
import { t } from "../i18n/catalogue";
import type { Problem } from "./api";

/** Field errors of one failed request, read by path; remembers which paths a field showed. */
export class FieldErrors {
  private readonly shown = new Set<string>();

  constructor(private readonly problem: Problem | null) {}

  /** The API's words for `path` (e.g. "body.info.how_to_answer"). */
  of(path: string): string | undefined {
    this.shown.add(path);
    return this.problem?.fields[path];
  }

  /** Errors no field on the page showed (call after the fields have rendered). */
  unshown(): [string, string][] {
    return Object.entries(this.problem?.fields ?? {}).filter(([path]) => !this.shown.has(path));
  }
}

export function problemText(problem: Problem): string {
  if (problem.status === null) return t("ms.problem.network");
  if (problem.status === 409) return t("ms.problem.conflict", { message: problem.message ?? "" });
  if (problem.status === 403) return t("ms.problem.forbidden", { message: problem.message ?? "" });
  return problem.message ?? t("ms.problem.status", { status: problem.status });
}

/** The failure of a form or a page, with "Ladda om" for a 409. */
export function ProblemBanner({
  problem,
  errors,
  onReload,
}: {
  problem: Problem | null;
  errors?: FieldErrors;
  onReload?: () => void;
}) {
  if (!problem) return null;
  // What no field shows, unless it only repeats the message above.
  const rest = (errors?.unshown() ?? []).filter(([, message]) => message !== problem.message);
  return (
    <div class="problem" role="alert">
      <p>{problemText(problem)}</p>
      {rest.length > 0 && (
        <ul>
          {rest.map(([path, message]) => (
            <li key={path}>
              <code>{path.replace(/^body\./, "")}</code>: {message}
            </li>
          ))}
        </ul>
      )}
      {problem.status === 409 && onReload && (
        <button type="button" onClick={onReload}>
          {t("ms.problem.reload")}
        </button>
      )}
    </div>
  );
}

/** Whether a form holds changes not yet saved (navigation asks before dropping them). */
export const unsaved = signal(false);

export function confirmLeave(): boolean {
  if (!unsaved.value) return true;
  if (!window.confirm(t("ms.unsaved"))) return false;
  unsaved.value = false;
  return true;
}

/** The save bar at the foot of a form (stays visible): what failed, save, delete, close. */
export function SaveBar(props: {
  problem: Problem | null;
  errors: FieldErrors;
  onReload: () => void;
  editable: boolean;
  saved?: boolean;
  saveLabel?: string;
  saving?: boolean;
  deleteLabel?: string;
  onDelete?: (() => void) | null;
  onClose?: () => void;
}) {
  const { problem, errors, onReload, editable, saved, saveLabel, saving, deleteLabel, onDelete, onClose } = props;
  return (
    <div class="savebar">
      <ProblemBanner problem={problem} errors={errors} onReload={onReload} />
      {saved && <p role="status">{t("ms.saved")}</p>}
      {editable && (
        <button type="submit" class="primary" disabled={saving}>
          {saving ? t("ms.saving") : (saveLabel ?? t("ms.save"))}
        </button>
      )}
      {editable && onDelete && (
        <button type="button" class="danger" onClick={onDelete}>
          {deleteLabel}
        </button>
      )}
      {onClose && (
        <button type="button" onClick={() => confirmLeave() && onClose()}>
          {t("ms.close")}
        </button>
      )}
    </div>
  );
}
