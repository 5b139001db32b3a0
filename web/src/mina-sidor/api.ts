// Mina sidor's view of the API: the generated types, and every failure as the API's one error
// body `{error, message, field, errors[]}` with the offending fields by their dotted path.
import { type Api, type ApiFailure, failureOf, type paths } from "../api/client";

type Json<R> = R extends { content: { "application/json": infer T } } ? T : never;
type Ok<Op> = Op extends { responses: { 200: infer R } } ? Json<R> : never;
type Body<Op> = Op extends { requestBody: { content: { "application/json": infer T } } } ? T : never;

export type Profile = Ok<paths["/profile"]["get"]>;
// openapi-fetch reads the opening hours' [opens, closes] pairs as string[]: take its type.
export type CommonNumber = Extract<Awaited<ReturnType<typeof getCommonNumber>>, { ok: true }>["data"];
export type CommonNumberInput = Body<paths["/common-numbers/{common_number_id}"]["put"]>;
export type GeneralInformation = CommonNumber["info"];
export type TemporaryInformation = NonNullable<GeneralInformation["temporary_information"]>[number];
export type OfficeSummary = Ok<paths["/offices"]["get"]>["items"][number];
export type Office = Ok<paths["/offices/{office_id}"]["get"]>;
export type OfficeInput = Body<paths["/offices/{office_id}"]["put"]>;
export type PersonSummary = Ok<paths["/people"]["get"]>["items"][number];
export type Person = Ok<paths["/people/{person_id}"]["get"]>;
export type PersonCreate = Body<paths["/people"]["post"]>;
export type PersonUpdate = Body<paths["/people/{person_id}"]["put"]>;
export type Referral = NonNullable<Person["referrals"]>[number];
export type ReferralInput = Body<paths["/people/{person_id}/referrals/{referral_id}"]["put"]>;
export type ImportReport = Ok<paths["/people/import"]["post"]>;
export type BillingSummary = Ok<paths["/billing/{month}"]["get"]>;
export type PriceList = Ok<paths["/price-list"]["get"]>;
export type AuditEntry = Ok<paths["/audit"]["get"]>["items"][number];
export type MessageTemplates = Ok<paths["/message-templates"]["get"]>;
export type MessageTemplate = MessageTemplates["items"][number];
export type MessageTemplateInput = Body<paths["/message-template"]["put"]>;
export type RequiredField = MessageTemplate["required_fields"][number];
export type MessagePreference = Person["message_preference"];
export type CalendarSync = Ok<paths["/calendar-sync"]["get"]>;
export type CalendarRules = Body<paths["/calendar-sync"]["put"]>["rules"];
export type FollowedCalendar = CalendarSync["people"][number];

/** What went wrong: the API's words, and its words per field (`body.info.how_to_answer`). */
export interface Problem {
  status: number | null;
  error: string | null;
  message: string | null;
  fields: Record<string, string>;
}

export type Result<T> = { ok: true; data: T } | { ok: false; problem: Problem };

export function problemOf(response: Response | undefined, error: unknown): Problem {
  const failure: ApiFailure = failureOf(response, error);
  if (failure.kind === "network") return { status: null, error: null, message: null, fields: {} };
  const body = (error ?? {}) as { error?: unknown; errors?: { field?: unknown; message?: unknown }[] | null };
  const fields: Record<string, string> = {};
  // A rule over several fields names its field without a location ("message_preference"): the body's.
  const located = (field: string) => (/^(body|path|query|header)(\.|$)/.test(field) ? field : `body.${field}`);
  for (const item of body.errors ?? []) {
    if (typeof item.field === "string" && typeof item.message === "string" && !(located(item.field) in fields)) {
      fields[located(item.field)] = item.message;
    }
  }
  if (failure.field && !(located(failure.field) in fields) && failure.message) {
    fields[located(failure.field)] = failure.message;
  }
  return {
    status: failure.status,
    error: typeof body.error === "string" ? body.error : null,
    message: failure.message,
    fields,
  };
}

export async function call<T>(
  request: () => Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<Result<T>> {
  try {
    const { data, error, response } = await request();
    if (data !== undefined && response.ok) return { ok: true, data };
    return { ok: false, problem: problemOf(response, error) };
  } catch (error) {
    return { ok: false, problem: problemOf(undefined, error) };
  }
}

/** Every page of a cursor-paged list (`limit` per page), up to `max` items. */
export async function allPages<T>(
  page: (cursor: string | null) => Promise<Result<{ items: T[]; next_cursor?: string | null }>>,
  max = 2000,
): Promise<Result<T[]>> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const result = await page(cursor);
    if (!result.ok) return result;
    items.push(...result.data.items);
    cursor = result.data.next_cursor ?? null;
  } while (cursor && items.length < max);
  return { ok: true, data: items };
}

export function getCommonNumber(api: Api, id: string) {
  return call(() => api.GET("/common-numbers/{common_number_id}", { params: { path: { common_number_id: id } } }));
}

export function listCommonNumbers(api: Api) {
  return allPages<CommonNumber>((cursor) =>
    call(() => api.GET("/common-numbers", { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } })),
  );
}

export function listOffices(api: Api) {
  return allPages<OfficeSummary>((cursor) =>
    call(() => api.GET("/offices", { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } })),
  );
}

/** A page of the directory, or of the people the server's search `q` finds. */
export function peoplePage(api: Api, cursor: string | null, limit = 20, q: string | null = null) {
  return call(() =>
    api.GET("/people", { params: { query: { limit, ...(cursor ? { cursor } : {}), ...(q ? { q } : {}) } } }),
  );
}

export function auditPage(api: Api, cursor: string | null) {
  return call(() => api.GET("/audit", { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }));
}

/** The month's billing: the customer's own, or (finance) the named customer's. */
export function billing(api: Api, month: string, financeTenant: string | null) {
  return forCustomer(
    financeTenant,
    (tenant_id) => api.GET("/finance/tenants/{tenant_id}/billing/{month}", { params: { path: { tenant_id, month } } }),
    () => api.GET("/billing/{month}", { params: { path: { month } } }),
  );
}

/** The month's billing lines as a CSV file (the customer's own, or finance's for the named customer). */
export function billingLines(api: Api, month: string, financeTenant: string | null) {
  return forCustomer(
    financeTenant,
    (tenant_id) =>
      api.GET("/finance/tenants/{tenant_id}/billing/{month}/lines.csv", { params: { path: { tenant_id, month } }, parseAs: "blob" }),
    () => api.GET("/billing/{month}/lines.csv", { params: { path: { month } }, parseAs: "blob" }),
  );
}

type Request<T> = () => Promise<{ data?: T; error?: unknown; response: Response }>;

/**
 * A month's figures of the customer in question: finance's route naming `financeTenant`, or the
 * signed-in customer's own route (null).
 */
export function forCustomer<T>(financeTenant: string | null, finance: (tenantId: string) => ReturnType<Request<T>>, own: Request<T>) {
  return call(financeTenant === null ? own : () => finance(financeTenant));
}

/** Run `work` over `items` with at most `limit` at a time (a page of people's details). */
export async function inBatches<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
