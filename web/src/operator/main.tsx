import { type Signal, signal } from "@preact/signals";
import { render } from "preact";
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { createApi } from "../api/client";
import { type CognitoSettings, groupsOf, keepFresh, type Tokens } from "../auth/cognito";
import { type PopupSignIn, returnCodeToOpener, startPopupSignIn, storageAccessOffered } from "../auth/popup";
import { mount } from "../components/mount";
import type { ContactAdapter } from "../connect/adapter";
import { FakeContactAdapter } from "../connect/fake";
import { ReplayingAdapter } from "../connect/replay";
import { SimulatedWorkspace } from "../connect/SimulatedWorkspace";
import { t } from "../i18n/catalogue";
import { loadConfig } from "./config";
import { OperatorWorkspace } from "./OperatorWorkspace";
import "./operator.css";

const OPERATORS_GROUP = "operators";

/**
 * The operator signs in through the managed login in a window of its own (it cannot be framed);
 * the tokens stay in memory and are renewed there. Once signed in the workspace stays mounted: an
 * expired sign-in shows above it (the script still shows; the API answers 401 until signed in).
 */
function SignInGate({
  settings,
  tokens,
  children,
}: {
  settings: CognitoSettings;
  tokens: Signal<Tokens | null>;
  children: ComponentChildren;
}) {
  const [status, setStatus] = useState<
    { kind: "idle" } | { kind: "waiting"; signIn: PopupSignIn } | { kind: "failed"; detail: string }
  >({ kind: "idle" });
  const [everSignedIn, setEverSignedIn] = useState(false);
  const failed = (error: unknown) =>
    setStatus({ kind: "failed", detail: error instanceof Error ? error.message : "?" });
  const signIn = async () => {
    const started = startPopupSignIn(settings);
    setStatus({ kind: "waiting", signIn: started });
    try {
      const signedIn = await started.tokens;
      if (!groupsOf(signedIn.idToken).includes(OPERATORS_GROUP)) {
        setStatus({ kind: "failed", detail: t("signIn.notOperator") });
        return;
      }
      tokens.value = signedIn;
      setEverSignedIn(true);
      setStatus({ kind: "idle" });
      const stop = keepFresh(
        settings,
        signedIn,
        (next) => {
          tokens.value = next;
        },
        () => {
          stop();
          tokens.value = null;
        },
      );
    } catch (error) {
      failed(error);
    }
  };
  // Where the browser partitions this frame's storage the window cannot reach it: collect the
  // code the window left in the site's storage, with the browser's storage access (a click).
  const finish = async (started: PopupSignIn) => {
    try {
      if (!(await started.collectWithStorageAccess())) failed(new Error(t("signIn.notCollected")));
    } catch (error) {
      failed(error);
    }
  };
  const panel = (
    <section class="signin" aria-labelledby="signin-title">
      <h1 id="signin-title">{everSignedIn ? t("signIn.expired") : t("signIn.title")}</h1>
      {!everSignedIn && <p>{t("signIn.why")}</p>}
      <button type="button" class="primary" onClick={signIn}>
        {t("signIn.button")}
      </button>
      {status.kind === "waiting" && <p role="status">{t("signIn.waiting")}</p>}
      {status.kind === "waiting" && storageAccessOffered() && (
        <button type="button" onClick={() => finish(status.signIn)}>
          {t("signIn.finish")}
        </button>
      )}
      {status.kind === "failed" && <p role="alert">{t("signIn.failed", { detail: status.detail })}</p>}
    </section>
  );
  if (!everSignedIn) return <main>{panel}</main>;
  return (
    <>
      {tokens.value === null && panel}
      {children}
    </>
  );
}

async function start(root: HTMLElement): Promise<void> {
  // The sign-in window, back from the managed login at this page's URL: hand the code back.
  const handedBack = returnCodeToOpener();
  if (handedBack === "opener") {
    render(<p role="status">{t("signIn.done")}</p>, root);
    return;
  }
  if (handedBack === "channel") {
    // A click here also counts as this site's top-level visit, which storage access asks for.
    render(
      <main>
        <p role="status">{t("signIn.notHandedBack")}</p>
        <button type="button" onClick={() => window.close()}>
          {t("signIn.closeWindow")}
        </button>
      </main>,
      root,
    );
    return;
  }
  const config = await loadConfig();
  if (config.host === "local") {
    const api = createApi(config.apiUrl, () => config.authorization);
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
  if (!config.cognito) throw new Error("config.json: no sign-in");
  // In Amazon Connect's agent workspace: the SDK is loaded only here (its own chunk), and starts
  // at once; the contact it reports before the operator has signed in is replayed after.
  const { AmazonConnectAdapter } = await import("../connect/amazon");
  const adapter: ContactAdapter = new ReplayingAdapter(new AmazonConnectAdapter(config.quickConnectName));
  // The ID token, read from memory at each request; nothing is stored.
  const tokens = signal<Tokens | null>(null);
  const api = createApi(config.apiUrl, () => tokens.value?.idToken ?? null);
  render(
    <SignInGate settings={config.cognito} tokens={tokens}>
      <OperatorWorkspace adapter={adapter} api={api} />
    </SignInGate>,
    root,
  );
}

mount(start);
