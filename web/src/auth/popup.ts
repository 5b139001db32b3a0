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
// Chrome does partition it (Playwright's Chromium does not, by default): in the agent workspace
// the page then never hears back, and the window stays open saying to sign in again. Not solved
// here: an unpartitioned channel through the Storage Access API (sandbox token
// allow-storage-access-by-user-activation), or a code relay by the API (safe: PKCE).
import {
  authorizeUrl,
  type CognitoSettings,
  exchangeCode,
  newPendingSignIn,
  type Tokens,
} from "./cognito";

export const SIGN_IN_MESSAGE = "telefonist.sign-in";
const RECEIVED = "telefonist.sign-in.received";
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
  history: { replaceState(data: unknown, unused: string, url: string): void };
  close(): void;
  BroadcastChannel?: new (name: string) => ChannelLike;
}

function isSignInMessage(data: unknown, state: string): data is SignInMessage {
  const value = (data ?? {}) as Partial<SignInMessage>;
  return value.type === SIGN_IN_MESSAGE && value.state === state;
}

/**
 * Opens the managed login in a window (call it from a click: browsers block other popups) and
 * resolves with the tokens once the window hands back a code for this sign-in.
 */
export async function signInWithPopup(
  settings: CognitoSettings,
  host: OpenerWindow = window as unknown as OpenerWindow,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = 5 * 60_000,
): Promise<Tokens> {
  const pending = newPendingSignIn();
  // Open first, within the click; the URL follows once the challenge is computed.
  const popup = host.open("about:blank", WINDOW_NAME, WINDOW_FEATURES) as { location: { href: string } } | null;
  if (!popup) throw new Error("sign-in: popup blocked");
  popup.location.href = await authorizeUrl(settings, pending);
  const message = await new Promise<SignInMessage>((resolve, reject) => {
    let channel: ChannelLike | null = null;
    const done = () => {
      host.removeEventListener("message", onMessage);
      channel?.close();
      clearTimeout(timer);
    };
    const accept = (data: unknown) => {
      if (!isSignInMessage(data, pending.state)) return;
      done();
      resolve(data);
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
  if (message.error || !message.code) throw new Error(`sign-in: ${message.error ?? "no code"}`);
  return exchangeCode(settings, message.code, pending.verifier, fetchImpl);
}

/**
 * In the sign-in window, back from the managed login: hand the code (or the error) to the page
 * that opened the window. "opener": posted to it, and the window closes. "channel": the opener is
 * out of reach (severed); the code went out on the state's BroadcastChannel and the window closes
 * once the page says it has it, else stays open saying what to do. Null: this URL is not a
 * sign-in's way back.
 */
export function returnCodeToOpener(
  win: SignInWindow = window as unknown as SignInWindow,
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
  if (win.BroadcastChannel) {
    const channel = new win.BroadcastChannel(CHANNEL_PREFIX + state);
    channel.onmessage = (event) => {
      const value = (event.data ?? {}) as { type?: unknown; state?: unknown };
      if (value.type !== RECEIVED || value.state !== state) return;
      channel.close();
      win.close();
    };
    channel.postMessage(message);
  }
  return "channel";
}
