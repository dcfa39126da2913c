import { afterEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../../src/data";

// Every timestamp a user sees (createdAt, updatedAt, completedAt, token expiries) comes from this clock, which
// builds its text from a cached per-second prefix: it must read exactly as Date's own ISO text.
describe("the system clock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads as Date's ISO-8601 text at every millisecond width and across second, day and year boundaries", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const instants = ["2026-12-31T23:59:58.999Z", "2026-12-31T23:59:59.000Z", "2026-12-31T23:59:59.007Z", "2026-12-31T23:59:59.042Z", "2026-12-31T23:59:59.999Z", "2027-01-01T00:00:00.000Z", "2027-01-01T00:00:00.100Z", "2000-02-29T12:00:00.010Z", "2027-01-01T00:00:00.999Z"];
    for (const instant of instants) {
      vi.setSystemTime(new Date(instant));
      expect(systemClock()).toBe(instant);
    }
  });

  it("follows time going backwards (the system clock set back)", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-06-01T10:00:05.500Z"));
    expect(systemClock()).toBe("2026-06-01T10:00:05.500Z");
    vi.setSystemTime(new Date("2026-06-01T09:59:59.250Z"));
    expect(systemClock()).toBe("2026-06-01T09:59:59.250Z");
  });
});
