import type { RefObject } from "preact";
import { language, t } from "../i18n/catalogue";
import type { PersonMatch } from "./api";
import { displayNumber, displayTime } from "./format";
import { colleagueOf, referralDetail } from "./referral";

export type CardAction = "connect" | "relay" | "message" | "colleague";

interface Props {
  match: PersonMatch;
  cardRef: RefObject<HTMLElement>;
  onAction: (action: CardAction) => void;
}

/** The card of the hit: referral now, numbers, upcoming referrals, and the actions K R M B. */
export function PersonCard({ match, cardRef, onAction }: Props) {
  const { person, referral } = match;
  const colleague = colleagueOf(match);
  const canConnect = match.transfer_numbers.length > 0;
  const actions: { action: CardAction; key: string; label: string; enabled: boolean }[] = [
    { action: "connect", key: "K", label: t("action.connect"), enabled: canConnect },
    { action: "relay", key: "R", label: t("action.relay"), enabled: canConnect },
    { action: "message", key: "M", label: t("action.message"), enabled: true },
  ];
  if (colleague) actions.push({ action: "colleague", key: "B", label: t("action.colleague", { name: colleague.name }), enabled: true });
  // Absent: the colleague and the message come first (what operators most often forget).
  const ordered = referral ? [...actions].sort((a, b) => rank(a.action) - rank(b.action)) : actions;
  return (
    <section class="card" aria-labelledby="card-title" tabIndex={-1} ref={cardRef}>
      <h2 id="card-title" class="card__name">
        {match.name}
      </h2>
      <p class="card__org">
        {person.department} · {person.title}
      </p>
      {referral ? (
        <>
          <p class="card__referral">
            <strong>{referral.text}</strong>
            {referralDetail(referral) ? ` · ${referralDetail(referral)}` : ""}
          </p>
          <p class="card__prompt" role="status">
            {colleague
              ? t("person.absentPrompt", { name: person.first_name, colleague: colleague.name })
              : t("person.absentPromptNoColleague", { name: person.first_name })}
          </p>
        </>
      ) : (
        <p class="card__available">{t("person.available")}</p>
      )}
      <h3>{t("person.numbers")}</h3>
      {person.phones?.length ? (
        <ul class="card__numbers">
          {person.phones.map((phone) => (
            <li key={phone.number}>
              {t(`phone.${phone.kind ?? "work"}`)} {displayNumber(phone.number)}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t("person.noNumbers")}</p>
      )}
      {match.upcoming_referrals.length > 0 && (
        <>
          <h3>{t("person.upcoming")}</h3>
          <ul class="card__upcoming">
            {match.upcoming_referrals.map((upcoming) => (
              <li key={upcoming.referral_id}>
                {upcoming.text} · {t("person.from", { time: displayTime(upcoming.valid_from, language.value) })}
              </li>
            ))}
          </ul>
        </>
      )}
      <div class="card__actions">
        {ordered.map(({ action, key, label, enabled }) => (
          <button key={action} type="button" aria-keyshortcuts={key} disabled={!enabled} onClick={() => onAction(action)}>
            <kbd aria-hidden="true">{key}</kbd> {label}
          </button>
        ))}
      </div>
    </section>
  );
}

function rank(action: CardAction): number {
  return { colleague: 0, message: 1, connect: 2, relay: 3 }[action];
}
