// Test helpers for the sign-in modules (imported by their tests only).
import type { CognitoSettings } from "./cognito";

export const settings: CognitoSettings = {
  domain: "https://telefonist-1.auth.eu-central-1.amazoncognito.com",
  clientId: "client-1",
  redirectUri: "https://site.example.com/operator/",
  logoutUri: "https://site.example.com/operator/",
  scopes: ["openid", "email", "profile"],
};

export const jwt = (claims: object) => {
  const bytes = new TextEncoder().encode(JSON.stringify(claims));
  const payload = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `h.${payload}.s`;
};

/** A token endpoint that records what it was sent and answers with `answer`. */
export function tokenEndpoint(answer: Record<string, unknown>, status = 200) {
  const sent: { url: string; body: URLSearchParams }[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push({ url: String(input), body: init?.body as URLSearchParams });
    return new Response(JSON.stringify(answer), { status });
  }) as typeof fetch;
  return { sent, fetchImpl };
}
