// Sign-in through Cognito's managed login, shared by both pages: authorization code with PKCE
// (S256) for a public client. Tokens live in memory only (never localStorage); a reload signs in
// again, silently while the managed login's session lasts. The refresh token renews the ID token
// before it expires, also in memory. Mina sidor goes to the login by redirect (./cognito's
// redirect helpers, the verifier waiting in sessionStorage), the operator page by a popup window
// (./popup: it runs framed in Connect's agent workspace and the managed login cannot be framed).

export interface CognitoSettings {
  /** The managed login's domain, e.g. "https://acme.auth.eu-central-1.amazoncognito.com". */
  domain: string;
  clientId: string;
  redirectUri: string;
  logoutUri: string;
  scopes: string[];
}

/** What the API needs (the ID token: API Gateway's Cognito authorizer without OAuth scopes) and what renews it. */
export interface Tokens {
  idToken: string;
  refreshToken: string | null;
  /** When the ID token expires (ms since the epoch). */
  expiresAt: number;
}

/** A sign-in under way: the PKCE verifier and the state sent with the request. */
export interface PendingSignIn {
  verifier: string;
  state: string;
}

/** The `cognito` block of a page's config.json (the deployment writes it). */
export function parseCognitoSettings(raw: unknown): CognitoSettings {
  const c = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const text = (key: string): string | null => (typeof c[key] === "string" && c[key] ? (c[key] as string) : null);
  const domain = text("domain");
  const clientId = text("client_id");
  const redirectUri = text("redirect_uri");
  if (!domain || !clientId || !redirectUri) throw new Error("config.json: cognito needs domain, client_id and redirect_uri");
  const scopes = Array.isArray(c.scopes) ? c.scopes.filter((s): s is string => typeof s === "string") : [];
  return {
    domain: domain.replace(/\/+$/, ""),
    clientId,
    redirectUri,
    logoutUri: text("logout_uri") ?? redirectUri,
    scopes: scopes.length ? scopes : ["openid", "email", "profile"],
  };
}

function base64Url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(size: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(size)));
}

export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export function newPendingSignIn(): PendingSignIn {
  return { verifier: randomText(48), state: randomText(16) };
}

/** The managed login's authorize URL for a pending sign-in. */
export async function authorizeUrl(settings: CognitoSettings, pending: PendingSignIn): Promise<string> {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: settings.scopes.join(" "),
    state: pending.state,
    code_challenge_method: "S256",
    code_challenge: await codeChallenge(pending.verifier),
  });
  return `${settings.domain}/oauth2/authorize?${query}`;
}

/** The claims of a JWT's payload (not verified here: the API's authorizer verifies the token). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  const padded = payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/** The groups a token's `cognito:groups` claim names. */
export function groupsOf(idToken: string): string[] {
  const groups = claimsOf(idToken)["cognito:groups"];
  return Array.isArray(groups) ? groups.filter((g): g is string => typeof g === "string") : [];
}

async function tokenRequest(
  settings: CognitoSettings,
  body: Record<string, string>,
  fetchImpl: typeof fetch,
  now: () => number,
  keepRefresh: string | null,
): Promise<Tokens> {
  const response = await fetchImpl(`${settings.domain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: settings.clientId, ...body }),
  });
  if (!response.ok) throw new Error(`sign-in: token endpoint ${response.status}`);
  const tokens = (await response.json()) as { id_token?: string; refresh_token?: string; expires_in?: number };
  if (!tokens.id_token) throw new Error("sign-in: no id_token");
  const lifetime = typeof tokens.expires_in === "number" ? tokens.expires_in : 900;
  return {
    idToken: tokens.id_token,
    refreshToken: tokens.refresh_token ?? keepRefresh,
    expiresAt: now() + lifetime * 1000,
  };
}

/** The code from the managed login, with the verifier only this page holds, for tokens. */
export function exchangeCode(
  settings: CognitoSettings,
  code: string,
  verifier: string,
  fetchImpl: typeof fetch = fetch,
  now: () => number = Date.now,
): Promise<Tokens> {
  return tokenRequest(
    settings,
    { grant_type: "authorization_code", code, redirect_uri: settings.redirectUri, code_verifier: verifier },
    fetchImpl,
    now,
    null,
  );
}

/** New tokens from the refresh token (which Cognito does not rotate: the same one stays). */
export function refreshTokens(
  settings: CognitoSettings,
  refreshToken: string,
  fetchImpl: typeof fetch = fetch,
  now: () => number = Date.now,
): Promise<Tokens> {
  return tokenRequest(settings, { grant_type: "refresh_token", refresh_token: refreshToken }, fetchImpl, now, refreshToken);
}

export interface Timers {
  setTimeout(handler: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Renews the tokens a minute before they expire, for as long as the refresh token lasts; each
 * renewal goes to `onTokens`, a failed one to `onExpired` (the page asks to sign in again).
 * Returns a function that stops it.
 */
export function keepFresh(
  settings: CognitoSettings,
  tokens: Tokens,
  onTokens: (tokens: Tokens) => void,
  onExpired: (error: unknown) => void,
  options: { fetchImpl?: typeof fetch; now?: () => number; timers?: Timers } = {},
): () => void {
  const now = options.now ?? Date.now;
  const timers: Timers = options.timers ?? {
    setTimeout: (handler, ms) => globalThis.setTimeout(handler, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  let handle: unknown = null;
  let stopped = false;
  const schedule = (current: Tokens) => {
    if (stopped || !current.refreshToken) return;
    const refreshToken = current.refreshToken;
    handle = timers.setTimeout(
      async () => {
        try {
          const next = await refreshTokens(settings, refreshToken, options.fetchImpl ?? fetch, now);
          if (stopped) return;
          onTokens(next);
          schedule(next);
        } catch (error) {
          if (!stopped) onExpired(error);
        }
      },
      Math.max(0, current.expiresAt - now() - 60_000),
    );
  };
  schedule(tokens);
  return () => {
    stopped = true;
    if (handle !== null) timers.clearTimeout(handle);
  };
}

/** Where the browser goes to end the managed login's session too. */
export function logoutUrl(settings: CognitoSettings): string {
  const query = new URLSearchParams({ client_id: settings.clientId, logout_uri: settings.logoutUri });
  return `${settings.domain}/logout?${query}`;
}

// ---------------------------------------------------------------- by redirect (a top-level page)

/** Where the browser goes to sign in; the verifier and state wait in `storage` for the way back. */
export async function startRedirectSignIn(
  settings: CognitoSettings,
  storageKey: string,
  storage: Storage = sessionStorage,
): Promise<string> {
  const pending = newPendingSignIn();
  storage.setItem(storageKey, JSON.stringify(pending));
  return authorizeUrl(settings, pending);
}

/**
 * Back from the managed login with `?code=…&state=…`: exchange the code for tokens. Null when the
 * URL carries no code. The code leaves the address bar and the verifier leaves storage either way.
 */
export async function completeRedirectSignIn(
  settings: CognitoSettings,
  location: URL,
  storageKey: string,
  fetchImpl: typeof fetch = fetch,
  storage: Storage = sessionStorage,
): Promise<Tokens | null> {
  const code = location.searchParams.get("code");
  if (!code) return null;
  const pending = JSON.parse(storage.getItem(storageKey) ?? "null") as PendingSignIn | null;
  storage.removeItem(storageKey);
  history.replaceState(null, "", `${location.pathname}${location.hash}`);
  if (!pending || pending.state !== location.searchParams.get("state")) throw new Error("sign-in: state mismatch");
  return exchangeCode(settings, code, pending.verifier, fetchImpl);
}
