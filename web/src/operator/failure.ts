import type { ApiFailure } from "../api/client";
import { t } from "../i18n/catalogue";

/** What failed, in the operator's words: the search names the directory, the rest the API. */
export function failureText(failure: ApiFailure, what: "search" | "other"): string {
  if (failure.kind === "network") return what === "search" ? t("search.failedNetwork") : t("failure.network");
  const message = failure.message ? `: ${failure.message}` : "";
  return what === "search"
    ? t("search.failedStatus", { status: failure.status, message })
    : t("failure.status", { status: failure.status, message });
}
