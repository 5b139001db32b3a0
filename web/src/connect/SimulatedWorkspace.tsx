// LOCAL ONLY: the part of the page that stands in for Amazon Connect's agent workspace. A person
// places a call to a customer's number; the local host runs the real inbound flow and
// functions/contact_flow and the contact arrives through the fake adapter as it would from Connect.
import { useEffect, useRef, useState } from "preact/hooks";
import { type MessageKey, t } from "../i18n/catalogue";
import type { TransferRequest } from "./adapter";
import type { FakeContactAdapter, WorkspaceEvent } from "./fake";

interface Props {
  adapter: FakeContactAdapter;
  callsUrl: string;
  numbers: string[];
}

// What the person sought does when "Koppla vidare" dials them (telefonist.connect.flow_simulator.ThirdPartyOutcome).
const OUTCOMES = ["answered", "no_answer", "busy"] as const;
type Outcome = (typeof OUTCOMES)[number];

interface TransferRun {
  returned: { contact_id: string; caller_number: string; attributes: Record<string, string> } | null;
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
  const [outcome, setOutcome] = useState<Outcome>("answered");
  const outcomeRef = useRef<Outcome>("answered");
  // The transfers endpoint sits beside the calls endpoint of the local host.
  const transfersUrl = new URL("transfers", new URL(callsUrl, document.baseURI)).pathname;

  // A quick connect the page started: the real transfer flow runs for the person's answer. An answered
  // call needs nothing more here; nobody answering sends the caller back through the operators' queue.
  useEffect(() => {
    adapter.onTransfer((request: TransferRequest) => {
      const chosen = outcomeRef.current;
      if (chosen === "answered") return;
      void runTransfer(request, chosen);
    });
  }, [adapter]);

  const runTransfer = async (request: TransferRequest, chosen: Outcome) => {
    try {
      const response = await fetch(transfersUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ contact_id: request.contactId, outcome: chosen }),
      });
      if (!response.ok) throw new Error(String(response.status));
      const run = (await response.json()) as TransferRun;
      if (run.returned) {
        const back = run.returned;
        adapter.returnToQueue({ contactId: back.contact_id, callerNumber: back.caller_number || null, attributes: back.attributes }, chosen);
      }
    } catch (error) {
      setNote(t("sim.transferFailed", { detail: error instanceof Error ? error.message : "?" }));
    }
  };

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
        <label for="sim-outcome">{t("sim.outcome")}</label>
        <select
          id="sim-outcome"
          value={outcome}
          onChange={(e) => {
            const chosen = e.currentTarget.value as Outcome;
            outcomeRef.current = chosen;
            setOutcome(chosen);
          }}
        >
          {OUTCOMES.map((value) => (
            <option key={value} value={value}>
              {t(`sim.outcome.${value}` as MessageKey)}
            </option>
          ))}
        </select>
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
  if (event.kind === "returned") return t("sim.returned", { outcome: t(`sim.outcome.${event.outcome}` as MessageKey) });
  const { mode, personName, number } = event.request;
  return `${t("sim.quickConnect", { name: event.quickConnectName, mode: t(`sim.mode.${mode}`) })} ${personName}, ${number}`;
}
