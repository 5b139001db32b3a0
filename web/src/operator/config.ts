// The page's settings, read at start from config.json beside the page: the local host writes
// them (telefonist_local.local_web, a development token); in AWS the deployment does (the API's URL and
// Cognito's managed login: the operator signs in, tokens stay in memory only).
import { type CognitoSettings, parseCognitoSettings } from "../auth/cognito";

export interface PageConfig {
  /** "local": the simulated workspace (fake adapter); "connect": Amazon Connect's agent workspace. */
  host: "local" | "connect";
  /** Base URL of the API ("" = this origin). */
  apiUrl: string;
  /** The Authorization header value (locally a development token; in Connect, none until sign-in). */
  authorization: string | null;
  /** In Connect: the managed login the operator signs in with. */
  cognito: CognitoSettings | null;
  /** Local host only: where a simulated call is placed, and the customers' numbers to call. */
  callsUrl: string | null;
  numbers: string[];
  quickConnectName: string;
}

export function parseConfig(raw: unknown): PageConfig {
  if (!raw || typeof raw !== "object") throw new Error("config.json is not an object");
  const value = raw as Record<string, unknown>;
  if (value.host !== "local" && value.host !== "connect") throw new Error("config.json: host must be local or connect");
  const text = (key: string): string | null => (typeof value[key] === "string" ? (value[key] as string) : null);
  return {
    host: value.host,
    apiUrl: text("api_url") ?? "",
    authorization: text("authorization"),
    // In the agent workspace the operator must sign in: the deployment names the managed login.
    cognito: value.host === "connect" ? parseCognitoSettings(value.cognito) : null,
    callsUrl: text("calls_url"),
    numbers: Array.isArray(value.numbers) ? value.numbers.filter((n): n is string => typeof n === "string") : [],
    quickConnectName: text("quick_connect_name") ?? "Koppla vidare",
  };
}

export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<PageConfig> {
  const response = await fetchImpl(new URL("config.json", document.baseURI), { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  return parseConfig(await response.json());
}
