// The real adapter: the page as a per-contact third-party app in Amazon Connect's agent
// workspace (@amazon-connect/app, /contact, /voice; exact versions pinned in package.json).
//
// The browser SDK cannot set contact attributes, so a transfer is two steps: the operator API
// sets `transfer_to` on the contact (UpdateContactAttributes, directory numbers only), then the
// page starts the "Koppla vidare" queue quick connect, whose flow (infra/flows/external_transfer.json)
// dials `transfer_to`: `transfer` for a blind transfer, `addParticipant` to consult first.
import { AmazonConnectApp } from "@amazon-connect/app";
import { AgentClient, ContactClient, type QuickConnect } from "@amazon-connect/contact";
import { VoiceClient } from "@amazon-connect/voice";
import { type Contact, type ContactAdapter, Listeners, type TransferRequest } from "./adapter";

/** getAttributes' values are strings, or `{name, value}` in some workspace versions: read both. */
export function attributeValues(raw: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === "string") values[key] = value;
    else if (value && typeof value === "object" && typeof (value as { value?: unknown }).value === "string") {
      values[key] = (value as { value: string }).value;
    }
  }
  return values;
}

export class AmazonConnectAdapter implements ContactAdapter {
  private readonly connected = new Listeners<Contact>();
  private readonly ended = new Listeners<string>();
  private readonly contacts: ContactClient;
  private readonly agent: AgentClient;
  private readonly voice: VoiceClient;
  private quickConnect: Promise<QuickConnect> | null = null;

  constructor(private readonly quickConnectName: string) {
    const { provider } = AmazonConnectApp.init({
      onCreate: async (event) => {
        // A per-contact app may start after its contact connected: show that contact at once.
        const scope = event.context.scope;
        if (scope && scope.type === "contact") await this.emitConnected(scope.contactId);
      },
    });
    this.contacts = new ContactClient(provider);
    this.agent = new AgentClient(provider);
    this.voice = new VoiceClient(provider);
    this.contacts.onConnected((event) => this.emitConnected(event.contactId));
    // The caller hanging up puts a voice contact into after-contact work; clearing ends it anyway.
    this.contacts.onStartingAcw(async (event) => this.ended.emit(event.contactId));
    this.contacts.onCleared(async (event) => this.ended.emit(event.contactId));
  }

  onConnected(handler: (contact: Contact) => void): void {
    this.connected.add(handler);
  }

  onEnded(handler: (contactId: string) => void): void {
    this.ended.add(handler);
  }

  async startTransfer(request: TransferRequest): Promise<void> {
    const quickConnect = await this.transferQuickConnect();
    if (request.mode === "relay") {
      await this.contacts.addParticipant(request.contactId, quickConnect);
    } else if (quickConnect.type === "queue" || quickConnect.type === "agent") {
      await this.contacts.transfer(request.contactId, quickConnect);
    } else {
      throw new Error(`quick connect ${this.quickConnectName} is not a queue quick connect`);
    }
  }

  private async emitConnected(contactId: string): Promise<void> {
    const [attributes, callerNumber] = await Promise.all([
      this.contacts.getAttributes(contactId, "*"),
      this.voice.getInitialCustomerPhoneNumber(contactId).catch(() => null),
    ]);
    this.connected.emit({ contactId, callerNumber: callerNumber || null, attributes: attributeValues(attributes) });
  }

  /** The "Koppla vidare" quick connect of the operator's routing profile (looked up once). */
  private transferQuickConnect(): Promise<QuickConnect> {
    this.quickConnect ??= (async () => {
      const profile = await this.agent.getRoutingProfile();
      const listed = await this.agent.listQuickConnects(profile.queues.map((queue) => queue.queueARN));
      const found = listed.quickConnects.find((candidate) => candidate.name === this.quickConnectName);
      if (!found) throw new Error(`no quick connect named ${this.quickConnectName} in the routing profile`);
      return found;
    })();
    this.quickConnect.catch(() => {
      this.quickConnect = null; // look again next time
    });
    return this.quickConnect;
  }
}
