import { render } from "preact";
import { createApi } from "../api/client";
import { t } from "../i18n/catalogue";
import { MinaSidor } from "./App";
import { completeSignIn, session } from "./auth";
import { loadSiteConfig } from "./config";
import "./mina-sidor.css";

async function start(root: HTMLElement): Promise<void> {
  const config = await loadSiteConfig();
  // The token is read at each request from memory (renewed there); nothing is stored.
  const api = createApi(config.apiUrl, () => session.value?.authorization ?? null);
  if (config.host === "cognito") await completeSignIn(config.cognito, new URL(window.location.href));
  render(<MinaSidor api={api} config={config} />, root);
}

const root = document.getElementById("app");
if (root) {
  start(root).catch((error: unknown) => {
    render(<p role="alert">{t("config.failed", { detail: error instanceof Error ? error.message : "?" })}</p>, root);
  });
}
