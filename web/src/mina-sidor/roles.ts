// Who sees what. The API decides (403 otherwise); the page only leaves out what a person
// cannot use: finance sees the overview and billing, a read-only user no edit controls and no
// billing (the customer's administrators and finance only).

export type Role = "admin" | "reader" | "finance";

export type PageId =
  | "overview"
  | "numbers"
  | "offices"
  | "people"
  | "messages"
  | "import"
  | "billing"
  | "statistics"
  | "callLog"
  | "calendar"
  | "audit";

/** The navigation in its order (Översikt · Nummer och svar · Kontor · Personer · Meddelanden · Import · Fakturering · Statistik · Samtalslogg · Kalender · Logg). */
export const PAGES: readonly PageId[] = [
  "overview",
  "numbers",
  "offices",
  "people",
  "messages",
  "import",
  "billing",
  "statistics",
  "callLog",
  "calendar",
  "audit",
];

const VISIBLE: Record<Role, readonly PageId[]> = {
  admin: PAGES,
  // A customer's user without the admins group may read, never write, and not read the audit trail.
  reader: ["overview", "numbers", "offices", "people", "messages"],
  finance: ["overview", "billing", "callLog"], // the call log reconciles with the invoice
};

export function pagesFor(role: Role): readonly PageId[] {
  return VISIBLE[role];
}

export function canEdit(role: Role): boolean {
  return role === "admin";
}

/** The role a Cognito token's groups give on Mina sidor. */
export function roleOfGroups(groups: readonly string[]): Role {
  if (groups.includes("admins")) return "admin";
  if (groups.includes("finance")) return "finance";
  return "reader";
}
