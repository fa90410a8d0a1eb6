import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, InvalidCursorError } from "../src";

describe("pagination cursor", () => {
  it("round-trips LastEvaluatedKey opaquely", () => {
    const key = { PK: "USER#u1", SK: "TRANSACTION#t1", GSI2PK: "USER#u1", GSI2SK: "2024-01-01T00:00:00.000Z#t1" };
    const cursor = encodeCursor("gsi2:u1", key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor("gsi2:u1", cursor)).toEqual(key);
    expect(encodeCursor("gsi2:u1", undefined)).toBeUndefined();
    expect(decodeCursor("gsi2:u1", undefined)).toBeUndefined();
  });

  it("rejects cursors from another query or not made here", () => {
    const cursor = encodeCursor("gsi2:u1", { PK: "USER#u1", SK: "x" });
    expect(() => decodeCursor("gsi2:u2", cursor)).toThrow(InvalidCursorError);
    expect(() => decodeCursor("gsi2:u1", "%%%")).toThrow(InvalidCursorError);
    expect(() => decodeCursor("s", Buffer.from(JSON.stringify({ s: "s", k: { PK: { S: "x" } } })).toString("base64url"))).toThrow(/strings or numbers/);
  });
});
