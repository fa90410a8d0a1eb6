import { useEmulator } from "@expenzez/local-aws";
import type { TestProject } from "vitest/node";
import "./provided-context";

/** Starts (or finds) the emulator once per package run and hands its endpoint to the tests. */
export default async function setup(project: TestProject) {
  const emulator = await useEmulator();
  project.provide("awsEndpoint", emulator.endpoint);
  return async () => emulator.stop();
}
