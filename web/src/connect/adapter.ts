// The one way the operator page reaches Amazon Connect. Production: the agent-workspace SDK
// (./amazon.ts); the local host and the tests: a fake (./fake.ts). Nothing else imports the SDK.

/** A contact connected to this operator, as the page needs it. */
export interface Contact {
  contactId: string;
  /** The caller's number (E.164), or null when withheld or unknown. */
  callerNumber: string | null;
  /** The contact attributes the inbound flow set (see telefonist.inbound.attributes). */
  attributes: Record<string, string>;
}

/** Blind ("koppla": connect and leave) or relay ("förmedla": consult first), as the API names them. */
export type TransferMode = "blind" | "relay";

export interface TransferRequest {
  contactId: string;
  mode: TransferMode;
  /** Whom the operator chose, for the workspace's own record; the operator API has set the number
   * on the contact (`transfer_to`) before the quick connect starts. */
  personName: string;
  number: string;
}

export interface ContactAdapter {
  /** Called for each contact that connects to the operator (and for one already connected at start). */
  onConnected(handler: (contact: Contact) => void): void;
  /** Called when the caller hangs up or the contact is cleared. */
  onEnded(handler: (contactId: string) => void): void;
  /** Starts the transfer quick connect ("Koppla vidare") on the contact. */
  startTransfer(request: TransferRequest): Promise<void>;
}

/** Handlers registered with an adapter, called in order; a failing handler does not stop the others. */
export class Listeners<T> {
  private readonly handlers: ((value: T) => void)[] = [];

  add(handler: (value: T) => void): void {
    this.handlers.push(handler);
  }

  emit(value: T): void {
    for (const handler of this.handlers) {
      try {
        handler(value);
      } catch (error) {
        console.error("contact handler failed", error instanceof Error ? error.name : "error");
      }
    }
  }
}
