// An adapter for a page that subscribes late: the operator page in Connect subscribes after the
// operator has signed in, but the SDK starts with the page and a per-contact app may open for a
// contact already connected. The contact connected meanwhile (and not ended) is handed to each
// later subscriber.
import { type Contact, type ContactAdapter, Listeners, type TransferRequest } from "./adapter";

export class ReplayingAdapter implements ContactAdapter {
  private current: Contact | null = null;
  private readonly connected = new Listeners<Contact>();
  private readonly ended = new Listeners<string>();

  constructor(private readonly inner: ContactAdapter) {
    inner.onConnected((contact) => {
      this.current = contact;
      this.connected.emit(contact);
    });
    inner.onEnded((contactId) => {
      if (this.current?.contactId === contactId) this.current = null;
      this.ended.emit(contactId);
    });
  }

  onConnected(handler: (contact: Contact) => void): void {
    this.connected.add(handler);
    if (this.current) handler(this.current);
  }

  onEnded(handler: (contactId: string) => void): void {
    this.ended.add(handler);
  }

  startTransfer(request: TransferRequest): Promise<void> {
    return this.inner.startTransfer(request);
  }
}
