// Sign-in in a popup window, for a page that runs framed (the operator page inside Amazon
// Connect's agent workspace): the managed login refuses to be framed, so the framed page opens it
// in a window of its own. The window comes back to the page's own URL with `?code=…&state=…`,
// hands the code and state to the framed page (postMessage to its opener, same origin only) and
// closes. The framed page alone holds the PKCE verifier (in memory), checks the state and
// exchanges the code: a code without the verifier is worthless to anyone else.
//
// Browsers sever `window.opener` when a window passes through a page with a strict
// Cross-Origin-Opener-Policy (Cognito's pages send one). The window then posts on a
// BroadcastChannel named for the state and closes when the page answers; that reaches the page
// only where the browser does not partition a framed page's storage by the top-level site.
// Chrome does partition it (Playwright's Chromium does not, by default). For that case the
// window also leaves the code in the site's own storage, and the framed page, on a second click,
// asks for storage access (the Storage Access API's unpartitioned localStorage, Chrome 125+;
// sandbox token allow-storage-access-by-user-activation) and collects it. The code is one-time
// and worthless without the verifier; tokens are never stored.
import {
  authorizeUrl,
  type CognitoSettings,
  exchangeCode,
  newPendingSignIn,
  type Tokens,
} from "./cognito";

export const SIGN_IN_MESSAGE = "telefonist.sign-in";
const RECEIVED = "telefonist.sign-in.received";
// Where a window without a way back leaves the code for the page to collect with storage access.
const STORED_PREFIX = "telefonist.sign-in.code.";
const STORED_FOR_MS = 10 * 60_000; // Cognito's codes live 5 minutes; older leftovers are removed
const CHANNEL_PREFIX = "telefonist.sign-in.";
const WINDOW_NAME = "telefonist-sign-in";
const WINDOW_FEATURES = "popup,width=480,height=720";

/** What the sign-in window posts back. */
export interface SignInMessage {
  type: typeof SIGN_IN_MESSAGE;
  state: string;
  code: string | null;
  error: string | null;
}

interface ChannelLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}

/** The parts of `window` the framed page uses (a fake in the tests). */
export interface OpenerWindow {
  location: { origin: string };
  open(url: string, target: string, features: string): unknown;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  BroadcastChannel?: new (name: string) => ChannelLike;
}

/** The parts of `window` the sign-in window uses (a fake in the tests). */
export interface SignInWindow {
  location: { href: string; origin: string };
  opener: { postMessage(message: unknown, targetOrigin: string): void } | null;
  /** The site's own (top-level, unpartitioned) storage. */
  localStorage?: StorageLike;
  history: { replaceState(data: unknown, unused: string, url: string): void };
  close(): void;
  BroadcastChannel?: new (name: string) => ChannelLike;
}

function isSignInMessage(data: unknown, state: string): data is SignInMessage {
  const value = (data ?? {}) as Partial<SignInMessage>;
  return value.type === SIGN_IN_MESSAGE && value.state === state;
}

/** A sign-in under way in its window. */
export interface PopupSignIn {
  /** The tokens, once the window has handed back a code for this sign-in (and it is exchanged). */
  tokens: Promise<Tokens>;
  /**
   * Looks in the site's unpartitioned storage for the code the window left there (no way back
   * otherwise): asks the browser for storage access (call it from a click), true when found.
   */
  collectWithStorageAccess(doc?: StorageAccessDocument): Promise<boolean>;
}

/** `document.requestStorageAccess` with the Storage Access API's unpartitioned handle (Chrome 125+). */
export interface StorageAccessDocument {
  requestStorageAccess?: (types: { localStorage: true }) => Promise<{ localStorage: StorageLike } | undefined>;
}

export interface StorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Whether the browser offers the page unpartitioned storage on request. */
export function storageAccessOffered(doc: StorageAccessDocument = document as unknown as StorageAccessDocument): boolean {
  return typeof doc.requestStorageAccess === "function";
}

/**
 * Opens the managed login in a window (call it from a click: browsers block other popups); its
 * `tokens` resolve once the window hands back a code for this sign-in.
 */
export function startPopupSignIn(
  settings: CognitoSettings,
  host: OpenerWindow = window as unknown as OpenerWindow,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = 5 * 60_000,
): PopupSignIn {
  const pending = newPendingSignIn();
  // Open first, within the click; the URL follows once the challenge is computed.
  const popup = host.open("about:blank", WINDOW_NAME, WINDOW_FEATURES) as { location: { href: string } } | null;
  let accept: (data: unknown) => boolean = () => false;
  const message = new Promise<SignInMessage>((resolve, reject) => {
    if (!popup) {
      reject(new Error("sign-in: popup blocked"));
      return;
    }
    let channel: ChannelLike | null = null;
    const done = () => {
      host.removeEventListener("message", onMessage);
      channel?.close();
      clearTimeout(timer);
    };
    accept = (data: unknown) => {
      if (!isSignInMessage(data, pending.state)) return false;
      done();
      resolve(data);
      return true;
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== host.location.origin) return; // only the page's own origin speaks for the window
      accept(event.data);
    };
    host.addEventListener("message", onMessage);
    if (host.BroadcastChannel) {
      const opened = new host.BroadcastChannel(CHANNEL_PREFIX + pending.state);
      opened.onmessage = (event) => {
        if (isSignInMessage(event.data, pending.state)) opened.postMessage({ type: RECEIVED, state: pending.state });
        accept(event.data);
      };
      channel = opened;
    }
    const timer = setTimeout(() => {
      done();
      reject(new Error("sign-in: no answer from the sign-in window"));
    }, timeoutMs);
  });
  // Awaited by `tokens` below once the challenge is computed; a timeout before that is not unhandled.
  message.catch(() => undefined);
  const tokens = (async () => {
    if (popup) popup.location.href = await authorizeUrl(settings, pending);
    const answer = await message;
    if (answer.error || !answer.code) throw new Error(`sign-in: ${answer.error ?? "no code"}`);
    return exchangeCode(settings, answer.code, pending.verifier, fetchImpl);
  })();
  const collectWithStorageAccess = async (
    doc: StorageAccessDocument = document as unknown as StorageAccessDocument,
  ): Promise<boolean> => {
    if (!doc.requestStorageAccess) return false;
    const handle = await doc.requestStorageAccess({ localStorage: true });
    if (!handle) return false;
    const key = STORED_PREFIX + pending.state;
    const stored = handle.localStorage.getItem(key);
    handle.localStorage.removeItem(key);
    return stored !== null && accept(JSON.parse(stored));
  };
  return { tokens, collectWithStorageAccess };
}

/** `startPopupSignIn`'s tokens. */
export function signInWithPopup(
  settings: CognitoSettings,
  host: OpenerWindow = window as unknown as OpenerWindow,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = 5 * 60_000,
): Promise<Tokens> {
  return startPopupSignIn(settings, host, fetchImpl, timeoutMs).tokens;
}

/**
 * In the sign-in window, back from the managed login: hand the code (or the error) to the page
 * that opened the window. "opener": posted to it, and the window closes. "channel": the opener is
 * out of reach (severed); the code went out on the state's BroadcastChannel and waits in the
 * site's storage; the window closes once the page says it has it, else stays open saying what to
 * do (the page collects it with storage access). Null: this URL is not a sign-in's way back.
 */
export function returnCodeToOpener(
  win: SignInWindow = window as unknown as SignInWindow,
  now: () => number = Date.now,
): "opener" | "channel" | null {
  const url = new URL(win.location.href);
  const state = url.searchParams.get("state");
  const code = url.searchParams.get("code");
  const error = url.searchParams.get("error");
  if (!state || (!code && !error)) return null;
  win.history.replaceState(null, "", `${url.pathname}${url.hash}`); // the code leaves the address bar
  const message: SignInMessage = { type: SIGN_IN_MESSAGE, state, code, error };
  if (win.opener) {
    win.opener.postMessage(message, win.location.origin); // same origin only
    win.close();
    return "opener";
  }
  if (win.localStorage) leaveForCollection(win.localStorage, message, now());
  if (win.BroadcastChannel) {
    const channel = new win.BroadcastChannel(CHANNEL_PREFIX + state);
    channel.onmessage = (event) => {
      const value = (event.data ?? {}) as { type?: unknown; state?: unknown };
      if (value.type !== RECEIVED || value.state !== state) return;
      channel.close();
      win.localStorage?.removeItem(STORED_PREFIX + state);
      win.close();
    };
    channel.postMessage(message);
  }
  return "channel";
}

/**
 * The code (one-time, worthless without the verifier only the framed page holds) waits in the
 * site's storage for the page to collect it with storage access; leftovers older than ten minutes
 * go. Tokens are never stored.
 */
function leaveForCollection(storage: StorageLike, message: SignInMessage, at: number): void {
  for (let i = storage.length - 1; i >= 0; i--) {
    const key = storage.key(i);
    if (!key?.startsWith(STORED_PREFIX)) continue;
    const left = JSON.parse(storage.getItem(key) ?? "{}") as { at?: number };
    if (typeof left.at !== "number" || at - left.at > STORED_FOR_MS) storage.removeItem(key);
  }
  storage.setItem(STORED_PREFIX + message.state, JSON.stringify({ ...message, at }));
}
