import { t } from "../i18n/catalogue";
import { language } from "../i18n/catalogue";
import type { PersonMatch, ReferralView } from "./api";
import { displayTime } from "./format";

/** "åter 14:00 · hänvisar till Björn Ek" (the parts that are known). */
export function referralDetail(referral: ReferralView): string {
  const parts: string[] = [];
  if (referral.valid_until) parts.push(t("person.returns", { time: displayTime(referral.valid_until, language.value) }));
  if (referral.refer_to_name) parts.push(t("person.referTo", { name: referral.refer_to_name }));
  return parts.join(" · ");
}

/** Whom to offer instead: the referral's colleague and the number to reach them, if there is one. */
export function colleagueOf(match: PersonMatch): { personId: string; name: string; number: string } | null {
  const referral = match.referral;
  const number = referral?.refer_to_transfer_numbers?.[0];
  if (!referral?.refer_to_name || !referral.refer_to_person_id || !number) return null;
  return { personId: referral.refer_to_person_id, name: referral.refer_to_name, number };
}
