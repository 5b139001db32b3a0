// Mina sidor's settings, read at start from config.json beside the page: the local host
// (telefonist_local.local_web) offers development identities; in AWS the deployment names Cognito.
import { type CognitoSettings, parseCognitoSettings } from "../auth/cognito";
import type { Role } from "./roles";

export type { CognitoSettings } from "../auth/cognito";

export interface LocalIdentity {
  role: Role;
  /** The Authorization header value of a development token of `telefonist serve`. */
  authorization: string;
}

export type SiteConfig =
  | { host: "local"; apiUrl: string; tenantId: string | null; identities: LocalIdentity[] }
  | { host: "cognito"; apiUrl: string; tenantId: null; cognito: CognitoSettings };

const ROLES: readonly Role[] = ["admin", "reader", "finance"];

export function parseSiteConfig(raw: unknown): SiteConfig {
  if (!raw || typeof raw !== "object") throw new Error("config.json is not an object");
  const value = raw as Record<string, unknown>;
  const text = (source: Record<string, unknown>, key: string): string | null =>
    typeof source[key] === "string" ? (source[key] as string) : null;
  const apiUrl = text(value, "api_url") ?? "";
  if (value.host === "local") {
    const identities = (Array.isArray(value.identities) ? value.identities : []).flatMap((item: unknown) => {
      const entry = (item ?? {}) as Record<string, unknown>;
      const role = entry.role as Role;
      const authorization = text(entry, "authorization");
      return ROLES.includes(role) && authorization ? [{ role, authorization }] : [];
    });
    return { host: "local", apiUrl, tenantId: text(value, "tenant_id"), identities };
  }
  if (value.host === "cognito") {
    return { host: "cognito", apiUrl, tenantId: null, cognito: parseCognitoSettings(value.cognito) };
  }
  throw new Error("config.json: host must be local or cognito");
}

export async function loadSiteConfig(fetchImpl: typeof fetch = fetch): Promise<SiteConfig> {
  const response = await fetchImpl(new URL("config.json", document.baseURI), { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  return parseSiteConfig(await response.json());
}
