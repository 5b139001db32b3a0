// The operator's API calls, typed by the generated schema (an API change breaks typecheck here).
import { type Api, type ApiFailure, failureOf, type paths } from "../api/client";

type DirectoryRoute = paths["/operator/tenants/{tenant_id}/directory"]["get"];
type FormRoute = paths["/tenants/{tenant_id}/people/{person_id}/message-form"]["get"];
type MessagesRoute = paths["/tenants/{tenant_id}/messages"]["post"];
type TransferRoute = paths["/operator/tenants/{tenant_id}/contacts/{contact_id}/transfer"]["put"];
type CustomersRoute = paths["/operator/tenants"]["get"];
type MessageLeftRoute = paths["/operator/tenants/{tenant_id}/contacts/{contact_id}/message"]["put"];
type HistoryRoute = paths["/operator/tenants/{tenant_id}/caller-history"]["post"];
type OfficeRoute = paths["/operator/tenants/{tenant_id}/offices/{office_id}"]["get"];

export type DirectoryResult = DirectoryRoute["responses"][200]["content"]["application/json"];
export type PersonMatch = DirectoryResult["matches"][number];
export type ReferralView = NonNullable<PersonMatch["referral"]>;
export type MessageFormView = FormRoute["responses"][200]["content"]["application/json"];
export type MessageInput = MessagesRoute["requestBody"]["content"]["application/json"];
export type SubmitResult = MessagesRoute["responses"][200]["content"]["application/json"];
export type TransferInput = TransferRoute["requestBody"]["content"]["application/json"];
export type TransferResult = TransferRoute["responses"][200]["content"]["application/json"];
export type CustomerList = CustomersRoute["responses"][200]["content"]["application/json"];
export type Customer = CustomerList["items"][number];
export type CallerHistory = HistoryRoute["responses"][200]["content"]["application/json"];
export type HistoryEntry = CallerHistory["items"][number];
export type OfficeWithCodes = OfficeRoute["responses"][200]["content"]["application/json"];

export type Result<T> = { ok: true; data: T } | { ok: false; failure: ApiFailure };

export const SEARCH_LIMIT = 8;

async function call<T>(request: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Result<T>> {
  try {
    const { data, error, response } = await request();
    if (data !== undefined && response.ok) return { ok: true, data };
    return { ok: false, failure: failureOf(response, error) };
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    return { ok: false, failure: failureOf(undefined, error) };
  }
}

export function searchDirectory(api: Api, tenantId: string, query: string, signal?: AbortSignal) {
  return call(() =>
    api.GET("/operator/tenants/{tenant_id}/directory", {
      params: { path: { tenant_id: tenantId }, query: { q: query, limit: SEARCH_LIMIT } },
      ...(signal ? { signal } : {}),
    }),
  );
}

export function messageForm(api: Api, tenantId: string, personId: string) {
  return call(() =>
    api.GET("/tenants/{tenant_id}/people/{person_id}/message-form", {
      params: { path: { tenant_id: tenantId, person_id: personId } },
    }),
  );
}

export function sendMessage(api: Api, tenantId: string, message: MessageInput) {
  return call(() =>
    api.POST("/tenants/{tenant_id}/messages", { params: { path: { tenant_id: tenantId } }, body: message }),
  );
}

/** Sets where "Koppla vidare" sends the caller (`transfer_to` on the contact): a directory number only. */
export function setTransferTarget(api: Api, tenantId: string, contactId: string, target: TransferInput) {
  return call(() =>
    api.PUT("/operator/tenants/{tenant_id}/contacts/{contact_id}/transfer", {
      params: { path: { tenant_id: tenantId, contact_id: contactId } },
      body: target,
    }),
  );
}

/** One person's card by id (a transfer that came back unanswered names whom it was for). */
export function personCard(api: Api, tenantId: string, personId: string) {
  return call(() =>
    api.GET("/operator/tenants/{tenant_id}/directory/{person_id}", {
      params: { path: { tenant_id: tenantId, person_id: personId } },
    }),
  );
}

/** Customers to ask a caller about when the dialed number named none; every page, at most `maxPages`. */
export async function listCustomers(api: Api, maxPages = 20): Promise<Result<Customer[]>> {
  const customers: Customer[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await call(() =>
      api.GET("/operator/tenants", { params: { query: cursor ? { cursor } : {} } }),
    );
    if (!result.ok) return result;
    customers.push(...result.data.items);
    if (!result.data.next_cursor) break;
    cursor = result.data.next_cursor;
  }
  return { ok: true, data: customers };
}

/** An office with its door codes: an explicit reveal, which the API audits (who, when, which office). */
export function revealOffice(api: Api, tenantId: string, officeId: string) {
  return call(() =>
    api.GET("/operator/tenants/{tenant_id}/offices/{office_id}", {
      params: { path: { tenant_id: tenantId, office_id: officeId } },
    }),
  );
}

/** The caller's earlier contacts with this customer (30 days): the number goes in the body, never the URL. */
export function callerHistory(api: Api, tenantId: string, contactId: string, callerNumber: string) {
  return call(() =>
    api.POST("/operator/tenants/{tenant_id}/caller-history", {
      params: { path: { tenant_id: tenantId } },
      body: { contact_id: contactId, caller_number: callerNumber },
    }),
  );
}

/** A message was left on this contact: its channels on the contact (statistics) and the caller history. */
export function recordMessage(api: Api, tenantId: string, contactId: string, message: MessageLeftRoute["requestBody"]["content"]["application/json"]) {
  return call(() =>
    api.PUT("/operator/tenants/{tenant_id}/contacts/{contact_id}/message", {
      params: { path: { tenant_id: tenantId, contact_id: contactId } },
      body: message,
    }),
  );
}
