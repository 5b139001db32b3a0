import { describe, expect, it } from "vitest";
import { language } from "../i18n/catalogue";
import { outcomeText } from "./pages/CallLog";

describe("a call's outcome in words", () => {
  it("names the person a call went to while they are in the directory, and a message's channels", () => {
    language.value = "sv";
    const row = { transferred_to_name: null, message_channels: [] as string[] };
    expect(outcomeText({ ...row, outcome: "answered" })).toBe("besvarat");
    expect(outcomeText({ ...row, outcome: "transferred", transferred_to_name: "Björn Åkesson" })).toBe(
      "kopplat till Björn Åkesson",
    );
    expect(outcomeText({ ...row, outcome: "transferred" })).toBe("kopplat (personen finns inte längre i katalogen)");
    expect(outcomeText({ ...row, outcome: "message", message_channels: ["sms", "email"] })).toBe(
      "meddelande (SMS och e-post)",
    );
    language.value = "en";
    expect(outcomeText({ ...row, outcome: "message", message_channels: ["email"] })).toBe("message (E-mail)");
    language.value = "sv";
  });
});
