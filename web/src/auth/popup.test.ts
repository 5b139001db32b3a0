// The popup flow with fake windows: the framed page (opener) and the sign-in window.
import { afterEach, describe, expect, it, vi } from "vitest";
import { codeChallenge } from "./cognito";
import { jwt, settings, tokenEndpoint } from "./testing";
import {
  type OpenerWindow,
  returnCodeToOpener,
  SIGN_IN_MESSAGE,
  type SignInWindow,
  type StorageLike,
  signInWithPopup,
  startPopupSignIn,
} from "./popup";

const ORIGIN = "https://site.example.com";

/** BroadcastChannel within one test: channels of the same name reach each other (an unpartitioned browser). */
function channels() {
  const open = new Map<string, Set<FakeChannel>>();
  class FakeChannel {
    onmessage: ((event: { data: unknown }) => void) | null = null;
    constructor(readonly name: string) {
      if (!open.has(name)) open.set(name, new Set());
      open.get(name)?.add(this);
    }
    postMessage(data: unknown) {
      for (const other of open.get(this.name) ?? []) if (other !== this) other.onmessage?.({ data });
    }
    close() {
      open.get(this.name)?.delete(this);
    }
  }
  return FakeChannel;
}

/** The framed page: records the window it opens and delivers messages to its listeners. */
function framedPage(Channel?: ReturnType<typeof channels>) {
  const listeners = new Set<(event: MessageEvent) => void>();
  const opened: { url: string; target: string; features: string; popup: { location: { href: string } } }[] = [];
  const host: OpenerWindow = {
    location: { origin: ORIGIN },
    open: (url, target, features) => {
      const popup = { location: { href: url } };
      opened.push({ url, target, features, popup });
      return popup;
    },
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
    ...(Channel ? { BroadcastChannel: Channel } : {}),
  };
  const post = (data: unknown, origin: string) => {
    for (const listener of [...listeners]) listener({ data, origin } as MessageEvent);
  };
  return { host, opened, post, listeners };
}

/** The sign-in window, back at the page's URL with what the managed login put in it. */
function signInWindow(
  query: string,
  opener: SignInWindow["opener"],
  Channel?: ReturnType<typeof channels>,
  localStorage?: StorageLike,
) {
  const calls: string[] = [];
  const win: SignInWindow = {
    location: { href: `${ORIGIN}/operator/${query}`, origin: ORIGIN },
    opener,
    history: { replaceState: (_d, _u, url) => calls.push(`replace ${url}`) },
    close: () => calls.push("close"),
    ...(Channel ? { BroadcastChannel: Channel } : {}),
    ...(localStorage ? { localStorage } : {}),
  };
  return { win, calls };
}

/** The site's own storage (a Map behind the Storage interface). */
function siteStorage(): StorageLike & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    get length() {
      return items.size;
    },
    key: (index) => [...items.keys()][index] ?? null,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
/** One turn of Node's event loop that fake timers leave alone (setImmediate is not faked below). */
const realTurn = () =>
  new Promise((resolve) => (globalThis as unknown as { setImmediate: (f: () => void) => void }).setImmediate(() => resolve(undefined)));

/** The managed login's URL once the framed page has sent its window there (the challenge is computed first,
 * by WebCrypto on Node's thread pool: bounded in real time, not in event-loop turns, which a busy machine
 * can outrun). */
async function sentTo(page: ReturnType<typeof framedPage>): Promise<URL> {
  const href = await vi.waitFor(
    () => {
      const sent = page.opened[0]?.popup.location.href ?? "";
      if (!sent.startsWith("https:")) throw new Error("the window was never sent to the managed login");
      return sent;
    },
    { timeout: 5_000, interval: 2 },
  );
  return new URL(href);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("signing in from a framed page through a popup window", () => {
  it("opens the managed login in a window, takes the code it hands back and exchanges it with the verifier", async () => {
    const page = framedPage();
    const idToken = jwt({ sub: "op-1", "cognito:groups": ["operators"] });
    const { sent, fetchImpl } = tokenEndpoint({ id_token: idToken, refresh_token: "r", expires_in: 900 });
    const signingIn = signInWithPopup(settings, page.host, fetchImpl);
    const authorize = await sentTo(page);
    expect(page.opened[0]?.url).toBe("about:blank"); // opened within the click, sent on after
    expect(page.opened[0]?.target).toBe("telefonist-sign-in");
    expect(page.opened[0]?.features).toContain("popup");
    expect(authorize.origin + authorize.pathname).toBe(`${settings.domain}/oauth2/authorize`);
    const state = authorize.searchParams.get("state") ?? "";

    // The window comes back to the page's URL and posts to its opener, which is the framed page.
    const back = signInWindow(`?code=abc&state=${state}`, { postMessage: (data, origin) => page.post(data, origin) });
    expect(returnCodeToOpener(back.win)).toBe("opener");
    expect(back.calls).toEqual(["replace /operator/", "close"]); // the code leaves the address bar

    const tokens = await signingIn;
    expect(tokens.idToken).toBe(idToken);
    const verifier = sent[0]?.body.get("code_verifier") ?? "";
    expect(await codeChallenge(verifier)).toBe(authorize.searchParams.get("code_challenge"));
    expect(sent[0]?.body.get("code")).toBe("abc");
    expect(page.listeners.size).toBe(0); // stops listening once answered
  });

  it("ignores messages from another origin and codes for another sign-in", async () => {
    const page = framedPage();
    const { sent, fetchImpl } = tokenEndpoint({ id_token: jwt({ sub: "x" }) });
    const signingIn = signInWithPopup(settings, page.host, fetchImpl);
    const state = (await sentTo(page)).searchParams.get("state");
    page.post({ type: SIGN_IN_MESSAGE, state, code: "stolen", error: null }, "https://evil.example.com");
    page.post({ type: SIGN_IN_MESSAGE, state: "another", code: "other", error: null }, ORIGIN);
    await flush();
    expect(sent).toHaveLength(0);
    page.post({ type: SIGN_IN_MESSAGE, state, code: "right", error: null }, ORIGIN);
    await signingIn;
    expect(sent.map((s) => s.body.get("code"))).toEqual(["right"]);
  });

  it("reports the managed login's error, a blocked popup and a window that never answers", async () => {
    const page = framedPage();
    const signingIn = signInWithPopup(settings, page.host, tokenEndpoint({}).fetchImpl);
    const state = (await sentTo(page)).searchParams.get("state");
    const back = signInWindow(`?error=access_denied&state=${state}`, { postMessage: (d, o) => page.post(d, o) });
    expect(returnCodeToOpener(back.win)).toBe("opener");
    await expect(signingIn).rejects.toThrow("sign-in: access_denied");

    const blocked: OpenerWindow = { ...framedPage().host, open: () => null };
    await expect(signInWithPopup(settings, blocked)).rejects.toThrow("popup blocked");

    // Only the sign-in's timeout is faked: the challenge (WebCrypto) completes in real time first.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const silent = framedPage();
    const waiting = signInWithPopup(settings, silent.host, tokenEndpoint({}).fetchImpl, 1_000);
    const failed = expect(waiting).rejects.toThrow("no answer from the sign-in window");
    const deadline = Date.now() + 5_000;
    while (!(silent.opened[0]?.popup.location.href ?? "").startsWith("https:") && Date.now() < deadline) {
      await realTurn();
    }
    await vi.advanceTimersByTimeAsync(1_000);
    await failed;
  });

  it("hands the code over a channel named for the state when the window lost its opener", async () => {
    const Channel = channels();
    const page = framedPage(Channel);
    const idToken = jwt({ sub: "op-2" });
    const { fetchImpl } = tokenEndpoint({ id_token: idToken });
    const signingIn = signInWithPopup(settings, page.host, fetchImpl);
    const state = (await sentTo(page)).searchParams.get("state");
    // A strict Cross-Origin-Opener-Policy on the way severed `opener`.
    const back = signInWindow(`?code=abc&state=${state}`, null, Channel);
    expect(returnCodeToOpener(back.win)).toBe("channel");
    expect((await signingIn).idToken).toBe(idToken);
    expect(back.calls).toEqual(["replace /operator/", "close"]); // closed once the page had it

    // Where nothing answers (storage partitioned by the top-level site), the window stays open.
    const alone = signInWindow(`?code=abc&state=unknown`, null, channels());
    expect(returnCodeToOpener(alone.win)).toBe("channel");
    expect(alone.calls).toEqual(["replace /operator/"]);
  });

  it("where the frame's storage is partitioned, collects the code the window left, with storage access", async () => {
    // The frame's channel and the window's are in different partitions: nothing crosses.
    const page = framedPage(channels());
    const idToken = jwt({ sub: "op-3" });
    const { sent, fetchImpl } = tokenEndpoint({ id_token: idToken });
    const started = startPopupSignIn(settings, page.host, fetchImpl);
    const state = (await sentTo(page)).searchParams.get("state");
    const storage = siteStorage();
    storage.setItem("telefonist.sign-in.code.stale", JSON.stringify({ state: "stale", code: "old", at: 0 }));
    const granted: unknown[] = [];
    const doc = {
      requestStorageAccess: async (types: { localStorage: true }) => {
        granted.push(types);
        return { localStorage: storage };
      },
    };
    expect(await started.collectWithStorageAccess(doc)).toBe(false); // the window has not come back yet

    const back = signInWindow(`?code=abc&state=${state}`, null, channels(), storage);
    expect(returnCodeToOpener(back.win, () => 11 * 60_000)).toBe("channel");
    expect(back.calls).toEqual(["replace /operator/"]); // nobody answered: it stays open
    expect([...storage.items.keys()]).toEqual([`telefonist.sign-in.code.${state}`]); // the stale one went

    expect(await started.collectWithStorageAccess(doc)).toBe(true);
    expect(granted).toEqual([{ localStorage: true }, { localStorage: true }]);
    expect((await started.tokens).idToken).toBe(idToken);
    expect(sent.map((s) => s.body.get("code"))).toEqual(["abc"]);
    expect(storage.length).toBe(0); // the code does not outlive its collection; tokens were never stored

    const noApi = startPopupSignIn(settings, framedPage().host, fetchImpl, 1);
    expect(await noApi.collectWithStorageAccess({})).toBe(false); // a browser without the API
    await expect(noApi.tokens).rejects.toThrow("no answer");
  });

  it("leaves an ordinary visit of the page alone", () => {
    const { win, calls } = signInWindow("", null);
    expect(returnCodeToOpener(win)).toBeNull();
    expect(returnCodeToOpener(signInWindow("?state=x", null).win)).toBeNull();
    expect(calls).toEqual([]);
  });
});
