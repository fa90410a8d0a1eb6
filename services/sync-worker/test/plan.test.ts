import type { TransactAction, Transaction, TransactionInput } from "@expenzez/db";
import { describe, expect, it } from "vitest";
import { chunkChanges, chunkUnits, RESERVED_PER_CHUNK, summaryDelta, type WriteUnit } from "../src/plan";

const action = (i: number): TransactAction => ({ Delete: { TableName: "t", Key: { PK: "U", SK: String(i) } } });
const tx = (status: "booked" | "pending") => ({ status }) as TransactionInput;
const stored = (status: "booked" | "pending") => ({ status }) as Transaction;

describe("summaryDelta", () => {
  it("counts added, settled and removed transactions exactly", () => {
    const delta = summaryDelta({
      added: [tx("booked"), tx("pending"), tx("booked")],
      changed: [
        { before: stored("pending"), next: tx("booked") },
        { before: stored("booked"), next: tx("booked") },
      ],
      removed: [stored("pending"), stored("pending")],
    });
    expect(delta).toEqual({ total: 3 - 2, pending: 1 - 1 - 2 });
  });

  it("is zero when nothing changed", () => {
    expect(summaryDelta({ added: [], changed: [], removed: [] })).toEqual({ total: 0, pending: 0 });
  });
});

describe("chunkUnits", () => {
  it("leaves room in every chunk for the account update and the synced event", () => {
    const units: WriteUnit[] = Array.from({ length: 250 }, (_, i) => ({ actions: [action(i)], added: tx("booked") }));
    const chunks = chunkUnits(units);
    expect(chunks.map((c) => c.length)).toEqual([98, 98, 54]);
    for (const c of chunks) expect(c.flatMap((u) => u.actions).length + RESERVED_PER_CHUNK).toBeLessThanOrEqual(100);
    expect(chunks.flat()).toEqual(units);
  });

  it("keeps a transaction and its large-transaction event in the same chunk", () => {
    const units: WriteUnit[] = [...Array.from({ length: 97 }, (_, i) => ({ actions: [action(i)] })), { actions: [action(97), action(98)] }];
    const chunks = chunkUnits(units);
    expect(chunks).toHaveLength(2);
    expect(chunks[1]?.[0]?.actions).toHaveLength(2);
  });

  it("gives one empty chunk when there is nothing to write, so the balance and event still commit", () => {
    expect(chunkUnits([])).toEqual([[]]);
  });

  it("splits a chunk's changes back out for its counter deltas", () => {
    const a = tx("pending");
    const r = stored("pending");
    expect(
      summaryDelta(
        chunkChanges([
          { actions: [], added: a },
          { actions: [], removed: r },
        ]),
      ),
    ).toEqual({ total: 0, pending: 0 });
  });
});
