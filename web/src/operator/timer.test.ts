import { describe, expect, it } from "vitest";
import { formatElapsed, timerState } from "./timer";

describe("the handling timer", () => {
  it("is neutral before 30 s, a warning from 30 s and over from 45 s", () => {
    expect(timerState(0)).toBe("ok");
    expect(timerState(29_999)).toBe("ok");
    expect(timerState(30_000)).toBe("warning");
    expect(timerState(44_999)).toBe("warning");
    expect(timerState(45_000)).toBe("over");
  });

  it("shows whole minutes and seconds", () => {
    expect(formatElapsed(0)).toBe("0:00");
    expect(formatElapsed(7_900)).toBe("0:07");
    expect(formatElapsed(62_000)).toBe("1:02");
    expect(formatElapsed(-5)).toBe("0:00");
  });
});
