import { render } from "preact";
import { createApi } from "../api/client";
import { mount } from "../components/mount";
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

mount(start);
