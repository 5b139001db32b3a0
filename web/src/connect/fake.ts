// A fake of the Connect adapter: the local host's simulated workspace and the tests drive it,
// and it records what the page asked Connect to do.
import { signal } from "@preact/signals";
import { type Contact, type ContactAdapter, Listeners, type TransferRequest } from "./adapter";

export type WorkspaceEvent =
  | { kind: "connected"; contactId: string }
  | { kind: "ended"; contactId: string }
  | { kind: "quickConnect"; request: TransferRequest; quickConnectName: string };

export class FakeContactAdapter implements ContactAdapter {
  readonly events = signal<WorkspaceEvent[]>([]);
  readonly current = signal<Contact | null>(null);
  private readonly connected = new Listeners<Contact>();
  private readonly ended = new Listeners<string>();

  constructor(readonly quickConnectName = "Koppla vidare") {}

  onConnected(handler: (contact: Contact) => void): void {
    this.connected.add(handler);
  }

  onEnded(handler: (contactId: string) => void): void {
    this.ended.add(handler);
  }

  async startTransfer(request: TransferRequest): Promise<void> {
    this.record({ kind: "quickConnect", request, quickConnectName: this.quickConnectName });
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
