import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Api } from "../api/client";
import { LanguageSwitch } from "../components/LanguageSwitch";
import type { Contact, ContactAdapter, TransferMode } from "../connect/adapter";
import { type MessageKey, t } from "../i18n/catalogue";
import { type Customer, type PersonMatch, personCard, recordMessage, setTransferTarget } from "./api";
import { CallerHistory } from "./CallerHistory";
import { CustomerPicker } from "./CustomerPicker";
import { DirectorySearch } from "./DirectorySearch";
import { DoorCodes } from "./DoorCodes";
import { failureText } from "./failure";
import { displayNumber } from "./format";
import { HandlingTimer } from "./HandlingTimer";
import { KeyboardHelp } from "./KeyboardHelp";
import { MessageForm } from "./MessageForm";
import { type CardAction, PersonCard } from "./PersonCard";
import { colleagueOf } from "./referral";
import { ScriptPanel } from "./ScriptPanel";

interface Call {
  contact: Contact;
  /** performance.now() when the contact connected (User Timing: contact → script shown). */
  connectedAt: number;
  startedAt: number;
  stoppedAt: number | null;
  ended: boolean;
}

interface Props {
  adapter: ContactAdapter;
  api: Api;
}

/** The operator's screen for one contact at a time: header, script, directory, card, message form. */
export function OperatorWorkspace({ adapter, api }: Props) {
  const [call, setCall] = useState<Call | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);

  useEffect(() => {
    adapter.onConnected((contact) =>
      setCall({ contact, connectedAt: performance.now(), startedAt: Date.now(), stoppedAt: null, ended: false }),
    );
    adapter.onEnded((contactId) =>
      setCall((current) =>
        current && current.contact.contactId === contactId
          ? { ...current, ended: true, stoppedAt: current.stoppedAt ?? Date.now() }
          : current,
      ),
    );
  }, [adapter]);

  const stopTimer = useCallback(
    () => setCall((current) => (current && current.stoppedAt === null ? { ...current, stoppedAt: Date.now() } : current)),
    [],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "?" && !isTyping(event.target, false)) {
        event.preventDefault();
        setHelpOpen(true);
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div class="workspace">
      {call ? (
        <CallView key={call.contact.contactId} call={call} api={api} adapter={adapter} onStop={stopTimer} helpOpen={helpOpen} onHelp={() => setHelpOpen(true)} />
      ) : (
        <header class="header">
          <h1 class="header__title">{t("call.waiting")}</h1>
          <Tools onHelp={() => setHelpOpen(true)} />
        </header>
      )}
      <KeyboardHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}

function Tools({ onHelp }: { onHelp: () => void }) {
  return (
    <div class="header__tools">
      <button type="button" onClick={onHelp} aria-keyshortcuts="?">
        {t("keys.open")}
      </button>
      <LanguageSwitch />
    </div>
  );
}

type View = "search" | "card" | "message";
type TransferNote = { key: MessageKey; params: Record<string, string>; failed: boolean };

interface CallViewProps {
  call: Call;
  api: Api;
  adapter: ContactAdapter;
  onStop: () => void;
  helpOpen: boolean;
  onHelp: () => void;
}

// telefonist.connect.flows: what the transfer flow records when the person was not reached.
const RETURNED: Record<string, MessageKey> = { no_answer: "returned.noAnswer", call_failed: "returned.callFailed" };

function CallView({ call, api, adapter, onStop, helpOpen, onHelp }: CallViewProps) {
  const { attributes, callerNumber, contactId } = call.contact;
  // A fallback call names no customer: the operator asks the caller and picks one.
  const [customer, setCustomer] = useState<Customer | null>(null);
  const tenantId = attributes.tenant_id || customer?.tenant_id || null;
  const fallback = attributes.lookup === "fallback" || !attributes.tenant_id;
  // Back from a transfer nobody answered: the contact names whom it was for.
  const returnedKey = RETURNED[attributes.transfer_outcome ?? ""];
  const returnedPerson = returnedKey ? attributes.transfer_person_id || null : null;
  const [returnedName, setReturnedName] = useState<string | null>(null);
  const [view, setViewState] = useState<View>("search");
  const [selected, setSelectedState] = useState<PersonMatch | null>(null);
  // The key handler reads these refs: a key pressed before the next render still sees the card.
  const viewRef = useRef<View>("search");
  const selectedRef = useRef<PersonMatch | null>(null);
  const setView = (next: View) => {
    viewRef.current = next;
    setViewState(next);
  };
  const setSelected = (next: PersonMatch) => {
    selectedRef.current = next;
    setSelectedState(next);
  };
  const [transfer, setTransfer] = useState<TransferNote | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const customerRef = useRef<HTMLInputElement>(null);
  const cardRef = useRef<HTMLElement>(null);

  // Typing starts the search (on a fallback call: the choice of customer): the box has focus in
  // the same commit that shows the contact.
  useLayoutEffect(() => {
    (fallback ? customerRef : searchRef).current?.focus();
    performance.measure("telefonist:contact-to-script", { start: call.connectedAt, end: performance.now() });
  }, []);

  const chooseCustomer = (chosen: Customer) => setCustomer(chosen);
  const firstRender = useRef(true);
  useLayoutEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    (customer ? searchRef : customerRef).current?.focus();
  }, [customer]);

  // The person nobody answered: their card, and the message form open for them (the colleague on the card).
  useEffect(() => {
    if (!returnedPerson || !tenantId) return;
    personCard(api, tenantId, returnedPerson).then((result) => {
      if (!result.ok) return;
      setReturnedName(result.data.name);
      setSelected(result.data);
      setView("message");
    });
  }, []);

  const open = (match: PersonMatch) => {
    setSelected(match);
    setView("card");
    setTransfer(null);
  };
  useLayoutEffect(() => {
    if (view === "card") cardRef.current?.focus();
  }, [view, selected]);

  const backToSearch = () => {
    setView("search");
    searchRef.current?.focus();
    searchRef.current?.select();
  };

  // First the operator API sets the target on the contact (directory numbers only), then the
  // workspace starts the "Koppla vidare" quick connect, whose flow dials it.
  const startTransfer = async (mode: TransferMode, personId: string, personName: string, number: string) => {
    const pending: MessageKey = mode === "blind" ? "transfer.connecting" : "transfer.relaying";
    setTransfer({ key: pending, params: { name: personName, number: displayNumber(number) }, failed: false });
    const failed = (detail: string) => setTransfer({ key: "transfer.failed", params: { detail }, failed: true });
    if (!tenantId) return failed(t("search.noCustomer"));
    const target = await setTransferTarget(api, tenantId, contactId, { person_id: personId, number, mode });
    if (!target.ok) return failed(failureText(target.failure, "other"));
    const dialled = displayNumber(target.data.transfer_to);
    setTransfer({ key: pending, params: { name: personName, number: dialled }, failed: false });
    try {
      await adapter.startTransfer({ contactId, mode, personName, number: target.data.transfer_to });
      onStop();
    } catch (error) {
      failed(error instanceof Error ? error.message : "?");
    }
    return undefined;
  };

  const act = (action: CardAction) => {
    const selected = selectedRef.current;
    if (!selected || call.ended) return;
    const number = selected.transfer_numbers[0];
    const personId = selected.person.person_id;
    if (action === "connect" && number) void startTransfer("blind", personId, selected.name, number);
    else if (action === "relay" && number) void startTransfer("relay", personId, selected.name, number);
    else if (action === "message") setView("message");
    else if (action === "colleague") {
      const colleague = colleagueOf(selected);
      if (colleague) void startTransfer("blind", colleague.personId, colleague.name, colleague.number);
    }
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (helpOpen || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "Escape") {
        event.preventDefault();
        backToSearch();
        return;
      }
      // In the search box letters are typed, unless Enter just opened a card (focus moves next render).
      if (viewRef.current !== "card" || isTyping(event.target, false)) return;
      const action = ({ k: "connect", r: "relay", m: "message", b: "colleague" } as const)[event.key.toLowerCase()];
      if (action) {
        event.preventDefault();
        act(action);
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  });

  return (
    <>
      <header class={`header${fallback ? " header--fallback" : ""}`}>
        {fallback ? (
          <div class="fallback" role="alert">
            <h1 class="header__title">{t("fallback.title")}</h1>
            <p>{t(fallbackReason(attributes.fallback_reason))}</p>
            <p>{t("fallback.askCustomer")}</p>
            {customer && (
              <p class="fallback__customer">
                {t("customer.chosen", { name: customer.name })}{" "}
                <button
                  type="button"
                  onClick={() => {
                    setView("search"); // the card's keys must not act while another customer is chosen
                    setCustomer(null);
                  }}
                >
                  {t("customer.change")}
                </button>
              </p>
            )}
          </div>
        ) : (
          <h1 class="header__title">
            {attributes.customer_name} · {attributes.common_number_name}
          </h1>
        )}
        <p class="header__caller">
          {t("call.caller")}: {callerNumber ? displayNumber(callerNumber) : t("call.callerUnknown")}
        </p>
        <HandlingTimer startedAt={call.startedAt} stoppedAt={call.stoppedAt} />
        <Tools onHelp={onHelp} />
      </header>
      {returnedKey && (
        <p class="returned" role="alert">
          {t(returnedKey, { name: returnedName ?? t("returned.someone") })}
        </p>
      )}
      {tenantId && callerNumber && (
        <CallerHistory key={tenantId} api={api} tenantId={tenantId} contactId={contactId} callerNumber={callerNumber} />
      )}
      {call.ended && (
        <p class="ended" role="status">
          {t("call.ended")}
        </p>
      )}
      <main class="main">
        <ScriptPanel
          attributes={attributes}
          office={
            attributes.tenant_id && attributes.door_code_offices ? (
              <DoorCodes api={api} tenantId={attributes.tenant_id} officeIds={attributes.door_code_offices} />
            ) : undefined
          }
        />
        <div class="directory">
          {fallback && !customer && <CustomerPicker api={api} inputRef={customerRef} onChoose={chooseCustomer} />}
          <DirectorySearch
            api={api}
            tenantId={tenantId}
            inputRef={searchRef}
            selectedId={selected?.person.person_id ?? null}
            onOpen={open}
            onFocus={() => viewRef.current === "card" && setView("search")}
          />
          {selected && view !== "search" && <PersonCard match={selected} cardRef={cardRef} onAction={act} />}
          {transfer && (
            <p class={`transfer${transfer.failed ? " transfer--failed" : ""}`} role={transfer.failed ? "alert" : "status"}>
              {t(transfer.key, transfer.params)}
            </p>
          )}
          {selected && view === "message" && tenantId && (
            <MessageForm key={selected.person.person_id} api={api} tenantId={tenantId} match={selected} callerNumber={callerNumber} onSent={(result) => {
              onStop();
              void recordMessage(api, tenantId, contactId, { person_id: selected.person.person_id, channels: result.channels });
            }} />
          )}
        </div>
      </main>
    </>
  );
}

const FALLBACK_REASONS: Record<string, MessageKey> = {
  not_found: "fallback.not_found",
  offboarded: "fallback.offboarded",
  store_error: "fallback.store_error",
  bad_route: "fallback.bad_route",
  bad_event: "fallback.bad_event",
};

function fallbackReason(reason: string | undefined): MessageKey {
  return FALLBACK_REASONS[reason ?? ""] ?? "fallback.unknown";
}

// The search boxes (people, and a fallback call's customers): letters are typed, "?" is a command.
const SEARCH_BOXES = new Set(["directory-search", "customer-search"]);

/** Whether a key press on `target` is text being typed; in a search box only letters are ("?" is a command). */
function isTyping(target: EventTarget | null, searchBoxTypes: boolean): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (SEARCH_BOXES.has(target.id)) return searchBoxTypes;
  if (target instanceof HTMLInputElement) return !["checkbox", "radio", "button", "submit"].includes(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target.isContentEditable;
}
