// LOCAL ONLY: the part of the page that stands in for Amazon Connect's agent workspace. A person
// places a call to a customer's number; the local host runs the real inbound flow and
// functions/contact_flow and the contact arrives through the fake adapter as it would from Connect.
import { useState } from "preact/hooks";
import { t } from "../i18n/catalogue";
import type { FakeContactAdapter, WorkspaceEvent } from "./fake";

interface Props {
  adapter: FakeContactAdapter;
  callsUrl: string;
  numbers: string[];
}

interface PlacedCall {
  contact_id: string;
  caller_number: string;
  reached_operator: boolean;
  attributes: Record<string, string>;
  messages: string[];
}

export function SimulatedWorkspace({ adapter, callsUrl, numbers }: Props) {
  const [dialed, setDialed] = useState(numbers[0] ?? "");
  const [caller, setCaller] = useState("+46701234567");
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);

  const place = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setNote(null);
    try {
      const response = await fetch(callsUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ dialed_number: dialed, caller_number: caller }),
      });
      if (!response.ok) throw new Error(String(response.status));
      const call = (await response.json()) as PlacedCall;
      if (call.reached_operator) {
        adapter.connect({ contactId: call.contact_id, callerNumber: call.caller_number || null, attributes: call.attributes });
      } else {
        setNote(t("sim.closed", { message: call.messages.join(" ") }));
      }
    } catch (error) {
      setNote(t("sim.failed", { detail: error instanceof Error ? error.message : "?" }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside class="sim" aria-labelledby="sim-title">
      <h2 id="sim-title">{t("sim.region")}</h2>
      <form class="sim__form" onSubmit={place}>
        <label for="sim-dialed">{t("sim.dialed")}</label>
        <input id="sim-dialed" list="sim-numbers" value={dialed} onInput={(e) => setDialed(e.currentTarget.value)} />
        <datalist id="sim-numbers">
          {numbers.map((number) => (
            <option key={number} value={number} />
          ))}
        </datalist>
        <label for="sim-caller">{t("sim.caller")}</label>
        <input id="sim-caller" type="tel" value={caller} onInput={(e) => setCaller(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>
          {busy ? t("sim.calling") : t("sim.call")}
        </button>
        <button type="button" onClick={() => adapter.end()} disabled={!adapter.current.value}>
          {t("sim.hangUp")}
        </button>
      </form>
      {note && <p role="alert">{note}</p>}
      <div role="log" aria-label={t("sim.events")}>
        <ol class="sim__events">
          {adapter.events.value.map((event, index) => (
            <li key={index}>{describe(event)}</li>
          ))}
        </ol>
      </div>
    </aside>
  );
}

function describe(event: WorkspaceEvent): string {
  if (event.kind === "connected") return t("sim.connected", { contactId: event.contactId.slice(0, 8) });
  if (event.kind === "ended") return t("sim.ended");
  const { mode, personName, number } = event.request;
  return `${t("sim.quickConnect", { name: event.quickConnectName, mode: t(`sim.mode.${mode}`) })} ${personName}, ${number}`;
}
