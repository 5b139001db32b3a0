import { render } from "preact";
import { createApi } from "../api/client";
import type { ContactAdapter } from "../connect/adapter";
import { FakeContactAdapter } from "../connect/fake";
import { SimulatedWorkspace } from "../connect/SimulatedWorkspace";
import { t } from "../i18n/catalogue";
import { loadConfig } from "./config";
import { OperatorWorkspace } from "./OperatorWorkspace";
import "./operator.css";

async function start(root: HTMLElement): Promise<void> {
  const config = await loadConfig();
  const api = createApi(config.apiUrl, () => config.authorization);
  if (config.host === "local") {
    const fake = new FakeContactAdapter(config.quickConnectName);
    render(
      <>
        <OperatorWorkspace adapter={fake} api={api} />
        <SimulatedWorkspace adapter={fake} callsUrl={config.callsUrl ?? "/local/calls"} numbers={config.numbers} />
      </>,
      root,
    );
    return;
  }
  // In Amazon Connect's agent workspace: the SDK is loaded only here (its own chunk).
  const { AmazonConnectAdapter } = await import("../connect/amazon");
  const adapter: ContactAdapter = new AmazonConnectAdapter(config.quickConnectName);
  render(<OperatorWorkspace adapter={adapter} api={api} />, root);
}

const root = document.getElementById("app");
if (root) {
  start(root).catch((error: unknown) => {
    render(<p role="alert">{t("config.failed", { detail: error instanceof Error ? error.message : "?" })}</p>, root);
  });
}
