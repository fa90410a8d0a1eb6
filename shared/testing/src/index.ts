export { type LogFinding, type LogScan, SECRET_PATTERNS, scanLogs, scanText } from "./log-scan";

import { resetEmulator } from "@expenzez/local-aws";
import { inject } from "vitest";
import "./provided-context";

export const TEST_REGION = "eu-west-2";

/**
 * The emulator endpoint of an integration test file. Fails loudly, naming what is missing,
 * when the file runs without the package's global setup.
 */
export function emulatorEndpoint(): string {
  const endpoint = inject("awsEndpoint");
  if (!endpoint) {
    throw new Error("integration test needs the local AWS emulator: run it through `pnpm test` (global setup starts moto)");
  }
  return endpoint;
}

/** Wipes the emulator so this test file starts from nothing. */
export async function resetForFile(endpoint = emulatorEndpoint()): Promise<void> {
  await resetEmulator(endpoint);
}
export { type ServiceProcess, startServiceProcess } from "./processes";
export { receiveAll } from "./queues";
export { eventBridgeBody, eventBridgeSqsRecord, type SqsRecordFixture, sqsRecord } from "./records";
export { until } from "./until";
