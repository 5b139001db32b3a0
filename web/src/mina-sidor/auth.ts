// Mina sidor's sign-in. Locally: one of `telefonist serve`'s development identities, picked on
// the page. In AWS: Cognito's managed login by redirect, authorization code with PKCE (the shared
// ../auth/cognito). Tokens live in memory only (a reload signs in again, silently while the
// managed login's session lasts); only the PKCE verifier and state wait in sessionStorage across
// the redirect, and are removed as soon as the code is exchanged.
import { signal } from "@preact/signals";
import {
  type CognitoSettings,
  claimsOf,
  completeRedirectSignIn,
  groupsOf,
  keepFresh,
  logoutUrl,
  startRedirectSignIn,
  type Tokens,
} from "../auth/cognito";
import type { LocalIdentity } from "./config";
import { type Role, roleOfGroups } from "./roles";

export { codeChallenge } from "../auth/cognito";

export interface Session {
  role: Role;
  /** The Authorization header value sent to the API. */
  authorization: string;
  /** The customer the person belongs to (finance carries none). */
  tenantId: string | null;
  /** Who signed in, as the audit trail names them. */
  subject: string;
}

/** The signed-in person, or null. Never written to storage. */
export const session = signal<Session | null>(null);

export const PENDING_KEY = "mina-sidor.pkce";

let stopRefreshing: (() => void) | null = null;

export function signInLocally(identity: LocalIdentity, tenantId: string | null): Session {
  // A development token reads `local:<tenant or ->:<groups>[:<subject>]`.
  const parts = identity.authorization.replace(/^Bearer\s+/, "").split(":");
  const tenant = parts[1] && parts[1] !== "-" ? parts[1] : null;
  const signedIn: Session = {
    role: identity.role,
    authorization: identity.authorization,
    tenantId: identity.role === "finance" ? tenantId : tenant,
    subject: parts[3] ?? identity.role,
  };
  session.value = signedIn;
  return signedIn;
}

/** Where the browser goes to sign in; the verifier and state wait for the way back. */
export function authorizeUrl(settings: CognitoSettings, storage: Storage = sessionStorage): Promise<string> {
  return startRedirectSignIn(settings, PENDING_KEY, storage);
}

export function sessionOfIdToken(idToken: string): Session {
  const claims = claimsOf(idToken);
  const tenant = claims["custom:tenant_id"];
  return {
    role: roleOfGroups(groupsOf(idToken)),
    // API Gateway's Cognito authorizer (no OAuth scopes on the methods) takes the ID token.
    authorization: idToken,
    tenantId: typeof tenant === "string" ? tenant : null,
    subject: typeof claims.email === "string" ? claims.email : String(claims.sub ?? ""),
  };
}

function signIn(settings: CognitoSettings, tokens: Tokens): Session {
  const signedIn = sessionOfIdToken(tokens.idToken);
  session.value = signedIn;
  stopRefreshing?.();
  stopRefreshing = keepFresh(
    settings,
    tokens,
    (next) => {
      if (session.value) session.value = { ...session.value, authorization: next.idToken };
    },
    () => {
      session.value = null; // the refresh token ran out: sign in again
    },
  );
  return signedIn;
}

/**
 * Back from the managed login with `?code=…&state=…`: exchange the code for tokens and sign in.
 * Null when the URL carries no code. The code leaves the address bar either way.
 */
export async function completeSignIn(
  settings: CognitoSettings,
  location: URL,
  fetchImpl: typeof fetch = fetch,
  storage: Storage = sessionStorage,
): Promise<Session | null> {
  const tokens = await completeRedirectSignIn(settings, location, PENDING_KEY, fetchImpl, storage);
  return tokens ? signIn(settings, tokens) : null;
}

/** Forget the tokens; with Cognito, end the managed login's session too. */
export function signOut(settings: CognitoSettings | null): void {
  stopRefreshing?.();
  stopRefreshing = null;
  session.value = null;
  if (settings) window.location.assign(logoutUrl(settings));
}
