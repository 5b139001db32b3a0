// The real adapter against a stand-in of the agent-workspace SDK: what it asks Connect for and
// what the page gets. (The SDK itself needs the workspace's iframe messaging, absent in tests.)
import { beforeEach, describe, expect, it, vi } from "vitest";

const sdk = vi.hoisted(() => ({
  onCreate: null as null | ((event: unknown) => Promise<void>),
  connected: null as null | ((event: { contactId: string }) => Promise<void>),
  acw: null as null | ((event: { contactId: string }) => Promise<void>),
  getAttributes: vi.fn(),
  getInitialCustomerPhoneNumber: vi.fn(),
  transfer: vi.fn(),
  addParticipant: vi.fn(),
  listQuickConnects: vi.fn(),
}));

vi.mock("@amazon-connect/app", () => ({
  AmazonConnectApp: {
    init: (config: { onCreate: (event: unknown) => Promise<void> }) => {
      sdk.onCreate = config.onCreate;
      return { provider: {} };
    },
  },
}));
vi.mock("@amazon-connect/contact", () => ({
  ContactClient: class {
    getAttributes = sdk.getAttributes;
    transfer = sdk.transfer;
    addParticipant = sdk.addParticipant;
    onConnected(handler: (event: { contactId: string }) => Promise<void>) {
      sdk.connected = handler;
    }
    onStartingAcw(handler: (event: { contactId: string }) => Promise<void>) {
      sdk.acw = handler;
    }
    onCleared() {}
  },
  AgentClient: class {
    getRoutingProfile = async () => ({ queues: [{ queueARN: "arn:queue/operators" }] });
    listQuickConnects = sdk.listQuickConnects;
  },
}));
vi.mock("@amazon-connect/voice", () => ({
  VoiceClient: class {
    getInitialCustomerPhoneNumber = sdk.getInitialCustomerPhoneNumber;
  },
}));

const { AmazonConnectAdapter, attributeValues } = await import("./amazon");

const KOPPLA_VIDARE = { type: "queue", endpointARN: "arn:qc/koppla", name: "Koppla vidare" };

describe("the Amazon Connect adapter", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    sdk.getAttributes.mockResolvedValue({ tenant_id: "acme", how_to_answer: { name: "how_to_answer", value: "Hej" } });
    sdk.getInitialCustomerPhoneNumber.mockResolvedValue("+46701234567");
    sdk.listQuickConnects.mockResolvedValue({ quickConnects: [{ type: "agent", endpointARN: "x", name: "Eva" }, KOPPLA_VIDARE], nextToken: null });
  });

  it("hands the page a connected contact with its attributes and the caller's number", async () => {
    const adapter = new AmazonConnectAdapter("Koppla vidare");
    const seen: unknown[] = [];
    adapter.onConnected((contact) => seen.push(contact));
    await sdk.connected?.({ contactId: "c-1" });
    expect(sdk.getAttributes).toHaveBeenCalledWith("c-1", "*");
    expect(seen).toEqual([{ contactId: "c-1", callerNumber: "+46701234567", attributes: { tenant_id: "acme", how_to_answer: "Hej" } }]);
  });

  it("shows the contact a per-contact app was opened for", async () => {
    const adapter = new AmazonConnectAdapter("Koppla vidare");
    const seen: string[] = [];
    adapter.onConnected((contact) => seen.push(contact.contactId));
    await sdk.onCreate?.({ context: { scope: { type: "contact", contactId: "c-7" } } });
    expect(seen).toEqual(["c-7"]);
  });

  it("a withheld number is no number", async () => {
    sdk.getInitialCustomerPhoneNumber.mockRejectedValue(new Error("anonymous"));
    const adapter = new AmazonConnectAdapter("Koppla vidare");
    const seen: (string | null)[] = [];
    adapter.onConnected((contact) => seen.push(contact.callerNumber));
    await sdk.connected?.({ contactId: "c-2" });
    expect(seen).toEqual([null]);
  });

  it("ends the call when the contact goes to after-contact work", async () => {
    const adapter = new AmazonConnectAdapter("Koppla vidare");
    const ended: string[] = [];
    adapter.onEnded((contactId) => ended.push(contactId));
    await sdk.acw?.({ contactId: "c-3" });
    expect(ended).toEqual(["c-3"]);
  });

  it("transfers blind with the named queue quick connect and consults by adding it as a participant", async () => {
    const adapter = new AmazonConnectAdapter("Koppla vidare");
    await adapter.startTransfer({ contactId: "c-4", mode: "blind", personName: "Åsa", number: "+46852010000" });
    expect(sdk.transfer).toHaveBeenCalledWith("c-4", KOPPLA_VIDARE);
    await adapter.startTransfer({ contactId: "c-4", mode: "relay", personName: "Åsa", number: "+46852010000" });
    expect(sdk.addParticipant).toHaveBeenCalledWith("c-4", KOPPLA_VIDARE);
    expect(sdk.listQuickConnects).toHaveBeenCalledTimes(1); // looked up once
  });

  it("refuses to transfer when the routing profile has no such quick connect", async () => {
    const adapter = new AmazonConnectAdapter("Koppla vidare");
    sdk.listQuickConnects.mockResolvedValue({ quickConnects: [], nextToken: null });
    await expect(adapter.startTransfer({ contactId: "c-5", mode: "blind", personName: "Åsa", number: "+46852010000" })).rejects.toThrow(
      "no quick connect named Koppla vidare",
    );
    expect(sdk.transfer).not.toHaveBeenCalled();
  });

  it("reads attribute values given as strings or as {name, value}", () => {
    expect(attributeValues({ a: "1", b: { name: "b", value: "2" }, c: 3 })).toEqual({ a: "1", b: "2" });
  });
});
