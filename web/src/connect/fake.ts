// A fake of the Connect adapter: the local host's simulated workspace and the tests drive it,
// and it records what the page asked Connect to do.
import { signal } from "@preact/signals";
import { type Contact, type ContactAdapter, Listeners, type TransferRequest } from "./adapter";

export type WorkspaceEvent =
  | { kind: "connected"; contactId: string }
  | { kind: "ended"; contactId: string }
  | { kind: "quickConnect"; request: TransferRequest; quickConnectName: string }
  | { kind: "returned"; contactId: string; outcome: string };

export class FakeContactAdapter implements ContactAdapter {
  readonly events = signal<WorkspaceEvent[]>([]);
  readonly current = signal<Contact | null>(null);
  private readonly connected = new Listeners<Contact>();
  private readonly ended = new Listeners<string>();
  private readonly transfers = new Listeners<TransferRequest>();

  constructor(readonly quickConnectName = "Koppla vidare") {}

  onConnected(handler: (contact: Contact) => void): void {
    this.connected.add(handler);
  }

  onEnded(handler: (contactId: string) => void): void {
    this.ended.add(handler);
  }

  async startTransfer(request: TransferRequest): Promise<void> {
    this.record({ kind: "quickConnect", request, quickConnectName: this.quickConnectName });
    this.transfers.emit(request);
  }

  /** The simulated workspace runs the transfer flow for each quick connect started. */
  onTransfer(handler: (request: TransferRequest) => void): void {
    this.transfers.add(handler);
  }

  /** Nobody answered: the caller leaves this operator and comes back through the queue as a new contact. */
  returnToQueue(contact: Contact, outcome: string): void {
    this.end();
    this.record({ kind: "returned", contactId: contact.contactId, outcome });
    this.connect(contact);
  }

  /** The workspace connects a contact to the operator. */
  connect(contact: Contact): void {
    this.current.value = contact;
    this.record({ kind: "connected", contactId: contact.contactId });
    this.connected.emit(contact);
  }

  /** The caller hangs up. */
  end(): void {
    const contact = this.current.value;
    if (!contact) return;
    this.current.value = null;
    this.record({ kind: "ended", contactId: contact.contactId });
    this.ended.emit(contact.contactId);
  }

  private record(event: WorkspaceEvent): void {
    this.events.value = [...this.events.value, event];
  }
}
