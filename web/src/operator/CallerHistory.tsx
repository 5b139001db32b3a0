import { useEffect, useState } from "preact/hooks";
import type { Api } from "../api/client";
import { channelText } from "../components/channels";
import { language, t } from "../i18n/catalogue";
import { type HistoryEntry, callerHistory, personCard } from "./api";
import { failureText } from "./failure";
import { displayTime } from "./format";

interface Props {
  api: Api;
  tenantId: string;
  contactId: string;
  callerNumber: string;
}

type State = { kind: "loading" } | { kind: "failed"; detail: string } | { kind: "loaded"; items: HistoryEntry[] };

/** The caller's earlier contacts with this customer in the last 30 days: when, whom, outcome (issue 20). */
export function CallerHistory({ api, tenantId, contactId, callerNumber }: Props) {
  const [state, setState] = useState<State>({ kind: "loading" });
  const [names, setNames] = useState<Record<string, string>>({});

  useEffect(() => {
    let live = true;
    callerHistory(api, tenantId, contactId, callerNumber).then((result) => {
      if (!live) return;
      if (!result.ok) return setState({ kind: "failed", detail: failureText(result.failure, "other") });
      setState({ kind: "loaded", items: result.data.items });
      const people = [...new Set(result.data.items.map((item) => item.person_id).filter((id): id is string => !!id))];
      for (const personId of people) {
        personCard(api, tenantId, personId).then((card) => {
          if (live && card.ok) setNames((known) => ({ ...known, [personId]: card.data.name }));
        });
      }
      return undefined;
    });
    return () => {
      live = false;
    };
  }, [api, tenantId, contactId, callerNumber]);

  // The section stands from the call's start (no jump of the page under the operator's pointer when
  // the history arrives), busy until it is read.
  return (
    <section class="history" aria-labelledby="history-title" aria-busy={state.kind === "loading"}>
      <h2 id="history-title" class="history__title">
        {t("history.title")}
      </h2>
      {state.kind === "loading" ? (
        <p class="history__loading">{t("history.loading")}</p>
      ) : state.kind === "failed" ? (
        <p role="alert">{t("history.failed", { detail: state.detail })}</p>
      ) : state.items.length === 0 ? (
        <p>{t("history.none")}</p>
      ) : (
        <ul class="history__list">
          {state.items.map((item) => (
            <li key={item.contact_id}>
              <time dateTime={item.at}>{displayTime(item.at, language.value)}</time> · {outcomeText(item, names)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function outcomeText(item: HistoryEntry, names: Record<string, string>): string {
  const name = (item.person_id && names[item.person_id]) || item.person_id || "?";
  if (item.outcome === "transferred") return t("history.transferred", { name });
  if (item.outcome === "message") return t("history.message", { name, channel: channelText(item.channel) });
  return t("history.answered");
}
