import { describe, expect, it } from "vitest";
import type { Contact } from "./adapter";
import { FakeContactAdapter } from "./fake";
import { ReplayingAdapter } from "./replay";

const contact = (contactId: string): Contact => ({ contactId, callerNumber: null, attributes: {} });

describe("a page that subscribes after sign-in", () => {
  it("still sees the contact that connected before, unless it has ended", () => {
    const fake = new FakeContactAdapter();
    const adapter = new ReplayingAdapter(fake);
    fake.connect(contact("c-1"));
    const seen: string[] = [];
    adapter.onConnected((c) => seen.push(c.contactId));
    expect(seen).toEqual(["c-1"]);
    fake.connect(contact("c-2"));
    expect(seen).toEqual(["c-1", "c-2"]);

    fake.end();
    const late: string[] = [];
    adapter.onConnected((c) => late.push(c.contactId));
    expect(late).toEqual([]);
  });

  it("passes transfers through to the workspace", async () => {
    const fake = new FakeContactAdapter("Koppla vidare");
    const adapter = new ReplayingAdapter(fake);
    await adapter.startTransfer({ contactId: "c-1", mode: "blind", personName: "Åsa", number: "+46701234567" });
    expect(fake.events.value.map((e) => e.kind)).toEqual(["quickConnect"]);
  });
});
