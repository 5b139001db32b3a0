import { describe, expect, it } from "vitest";
import { problemOf } from "./api";
import { attentionOf, referralNow } from "./attention";
import { type Draft, draftOf, inputOf, previewAttributes } from "./pages/CommonNumbers";
import { slugOf } from "./pages/People";
import { FieldErrors } from "./problems";

const support = {
  common_number_id: "support",
  name: "Support",
  version: 3,
  info: {
    how_to_answer: "Acme Support, du talar med …",
    how_to_transfer: "",
    how_to_take_messages: "",
    temporary_information: [
      { text: "Stängt för inventering", valid_from: "2027-01-05T07:00:00Z", valid_until: "2027-01-05T16:00:00Z" },
    ],
  },
  opening_hours: { weekly: { "0": ["07:00:00", "18:00:00"] }, closed_message: "Supporten är stängd." },
};

describe("a common number's form", () => {
  it("shows notices and hours in Stockholm time and sends them back with their offsets", () => {
    const draft = draftOf(support);
    expect(draft.notices[0]).toEqual({ text: "Stängt för inventering", from: "2027-01-05T08:00", until: "2027-01-05T17:00" });
    expect(draft.days[0]).toEqual({ open: true, opens: "07:00", closes: "18:00" });
    expect(draft.days[1]?.open).toBe(false);
    const body = inputOf(draft, 3);
    expect(body.expected_version).toBe(3);
    expect(body.info.temporary_information?.[0]?.valid_from).toBe("2027-01-05T08:00:00+01:00");
    expect(body.opening_hours?.weekly).toEqual({ "0": ["07:00", "18:00"] });
  });

  it("previews what the operator would see at a moment: the notice valid then, and closed with its message", () => {
    const draft: Draft = { ...draftOf(support), howToAnswer: "Ny hälsning" };
    const open = previewAttributes(draft, new Date("2027-01-04T09:00:00Z")); // Monday 10:00
    expect(open).toMatchObject({ how_to_answer: "Ny hälsning", open: "true", closed_message: "", temporary_information: "" });
    const tuesday = previewAttributes(draft, new Date("2027-01-05T09:00:00Z"));
    expect(tuesday).toMatchObject({ open: "false", closed_message: "Supporten är stängd." });
    expect(tuesday.temporary_information).toBe("Stängt för inventering");
  });
});

describe("the API's error body", () => {
  it("keeps every field's message by its dotted path, a bare field being the body's", () => {
    const response = new Response(null, { status: 400 });
    const problem = problemOf(response, {
      error: "invalid_input",
      message: "Check the fields",
      field: "body.info.how_to_answer",
      errors: [
        { field: "body.info.how_to_answer", message: "must not be empty" },
        { field: "message_preference", message: "email needs an e-mail address" },
      ],
    });
    expect(problem.fields).toEqual({
      "body.info.how_to_answer": "must not be empty",
      "body.message_preference": "email needs an e-mail address",
    });
    const errors = new FieldErrors(problem);
    expect(errors.of("body.info.how_to_answer")).toBe("must not be empty");
    expect(errors.unshown()).toEqual([["body.message_preference", "email needs an e-mail address"]]);
  });

  it("tells a network failure from a status", () => {
    expect(problemOf(undefined, new TypeError("fetch failed")).status).toBeNull();
    expect(problemOf(new Response(null, { status: 409 }), { error: "conflict", message: "stale" }).status).toBe(409);
  });
});

describe("people", () => {
  const asa = {
    person_id: "p00000",
    first_name: "Åsa",
    last_name: "Södergren",
    title: "IT-ansvarig",
    department: "IT",
    keywords: ["lösenord"],
    message_preference: "sms" as const,
  };
  it("makes an id of a name without accents", () => {
    expect(slugOf("Åsa Öberg-Lind")).toBe("asa-oberg-lind");
  });

  it("takes the referral valid now, the latest started", () => {
    const now = new Date("2027-01-05T12:00:00Z");
    const referrals = [
      { valid_from: "2027-01-05T08:00:00Z", valid_until: null, text: "Sjuk" },
      { valid_from: "2027-01-05T11:00:00Z", valid_until: "2027-01-05T13:00:00Z", text: "Möte" },
      { valid_from: "2027-01-05T13:00:00Z", valid_until: null, text: "Semester" },
    ];
    expect(referralNow(referrals, now)?.text).toBe("Möte");
    expect(referralNow([], now)).toBeNull();
  });

  it("flags people who cannot be reached and numbers routed to no script", () => {
    const profile = {
      tenant_id: "acme",
      name: "Acme",
      status: "active" as const,
      version: 1,
      claimed_numbers: [{ phone_number: "+46852000003", common_number_id: "saknas" }],
    };
    const person = { ...asa, phones: [], email: null, version: 1, referrals: [] };
    const found = attentionOf(profile, [support], [person], new Date("2027-01-06T10:00:00Z"));
    expect(found.map((a) => a.kind)).toEqual(["expired", "numberWithoutScript", "unreachable"]);
  });
});
