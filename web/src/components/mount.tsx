// How each front-end starts: its `start` renders into the page's #app; a start that fails (its
// configuration, say) shows why, as an alert, in the same place.
import { render } from "preact";
import { t } from "../i18n/catalogue";

export function mount(start: (root: HTMLElement) => Promise<void>): void {
  const root = document.getElementById("app");
  if (!root) return;
  start(root).catch((error: unknown) => {
    render(<p role="alert">{t("config.failed", { detail: error instanceof Error ? error.message : "?" })}</p>, root);
  });
}
