// A message's channels in words, as the message form names them: one place for the operator
// page's caller history and Mina sidor's call log.
import { t } from "../i18n/catalogue";

/** "sms,email" or ["sms", "email"] → "SMS och e-post"; "?" when none is known. */
export function channelText(channels: string | readonly string[] | null | undefined): string {
  const named = new Set(typeof channels === "string" ? channels.split(",") : (channels ?? []));
  if (named.has("sms") && named.has("email")) return t("channel.both");
  if (named.has("email")) return t("channel.email");
  return named.has("sms") ? t("channel.sms") : "?";
}
