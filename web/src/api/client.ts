// The typed API client, shared by both front-ends. Its types are generated from
// docs/openapi.json (src/api/schema.d.ts), so a route or field the API drops fails typecheck.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths } from "./schema";

export type Api = Client<paths>;
export type { paths };

/** A client for `baseUrl` ("" = same origin) sending `authorization` (kept in memory only). */
export function createApi(baseUrl: string, authorization: () => string | null, fetchImpl?: typeof fetch): Api {
  const client = createClient<paths>({ baseUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const auth: Middleware = {
    onRequest({ request }) {
      const value = authorization();
      if (value) request.headers.set("Authorization", value);
      return request;
    },
  };
  client.use(auth);
  return client;
}

/** What went wrong with a request, in terms the page can show. */
export type ApiFailure =
  | { kind: "network" }
  | { kind: "status"; status: number; message: string | null; field: string | null };

/** The failure of an openapi-fetch result (error body as the API sends it: `{message, field}`). */
export function failureOf(response: Response | undefined, error: unknown): ApiFailure {
  if (!response) return { kind: "network" };
  // The API's error body: `{error, message, errors: [{field, message}]}` (older routes: `{message, field}`).
  const body = (error ?? {}) as { message?: unknown; field?: unknown; errors?: { field?: unknown }[] };
  const field = typeof body.field === "string" ? body.field : body.errors?.[0]?.field;
  return {
    kind: "status",
    status: response.status,
    message: typeof body.message === "string" ? body.message : null,
    field: typeof field === "string" ? field : null,
  };
}
