// What needs the administrator's attention, from what the API returns (pure, unit-tested).
import type { CommonNumber, Person, Profile } from "./api";
import { stockholmDay } from "./format";

export type Attention =
  | { kind: "expired"; commonNumber: string; text: string }
  | { kind: "startsToday"; commonNumber: string; text: string }
  | { kind: "noScript"; commonNumber: string }
  | { kind: "numberWithoutScript"; phoneNumber: string; commonNumberId: string }
  | { kind: "unreachable"; person: string; personId: string };

export function attentionOf(
  profile: Profile,
  commonNumbers: CommonNumber[],
  people: Person[],
  now: Date = new Date(),
): Attention[] {
  const found: Attention[] = [];
  const today = stockholmDay(now);
  for (const common of commonNumbers) {
    if (!common.info.how_to_answer.trim()) found.push({ kind: "noScript", commonNumber: common.name });
    for (const notice of common.info.temporary_information ?? []) {
      if (new Date(notice.valid_until) <= now) {
        found.push({ kind: "expired", commonNumber: common.name, text: notice.text });
      } else if (stockholmDay(new Date(notice.valid_from)) === today && new Date(notice.valid_from) > now) {
        found.push({ kind: "startsToday", commonNumber: common.name, text: notice.text });
      }
    }
  }
  const known = new Set(commonNumbers.map((c) => c.common_number_id));
  for (const claimed of profile.claimed_numbers) {
    if (!known.has(claimed.common_number_id)) {
      found.push({ kind: "numberWithoutScript", phoneNumber: claimed.phone_number, commonNumberId: claimed.common_number_id });
    }
  }
  for (const person of people) {
    if (person.phones.length === 0 && !person.email) {
      found.push({ kind: "unreachable", person: `${person.first_name} ${person.last_name}`, personId: person.person_id });
    }
  }
  return found;
}

/** The referral valid at `now` (the one that started last), if any. */
export function referralNow<R extends { valid_from: string; valid_until?: string | null }>(
  referrals: R[],
  now: Date = new Date(),
): R | null {
  const valid = referrals.filter(
    (r) => new Date(r.valid_from) <= now && (!r.valid_until || now < new Date(r.valid_until)),
  );
  valid.sort((a, b) => Date.parse(b.valid_from) - Date.parse(a.valid_from));
  return valid[0] ?? null;
}
