import { describe, expect, it } from "vitest";
import { OUTBOX_DELETE_WAIT_SECONDS, syncWorkerEnv } from "../src/index";

describe("syncWorkerEnv", () => {
  it("waits 15 s for a full outbox delete batch by default and refuses a wait the outbox sweep would overtake", () => {
    expect(syncWorkerEnv.shape.SYNC_OUTBOX_DELETE_SECONDS.parse(undefined)).toBe(OUTBOX_DELETE_WAIT_SECONDS);
    expect(syncWorkerEnv.shape.SYNC_OUTBOX_DELETE_SECONDS.parse("1")).toBe(1);
    expect(syncWorkerEnv.shape.SYNC_OUTBOX_DELETE_SECONDS.safeParse("60").success).toBe(false);
  });
});
