import { describe, expect, it } from "vitest";
import { WORKER_VISIBILITY_SECONDS, workerVisibility } from "../src/index";

describe("workerVisibility", () => {
  it("takes a message for a short term, so a killed worker's messages return within 30 s, while the handler keeps four queue timeouts", () => {
    expect(workerVisibility(300)).toEqual({ visibilityTimeoutSeconds: WORKER_VISIBILITY_SECONDS, handlerTimeoutSeconds: 1200 });
  });

  it("never takes a message for longer than the queue's own timeout", () => {
    expect(workerVisibility(10)).toEqual({ visibilityTimeoutSeconds: 10, handlerTimeoutSeconds: 40 });
  });
});
