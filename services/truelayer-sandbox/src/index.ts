export type { AddTransaction, RequestRecord } from "./admin-api";
export { createSandboxAdmin, type SandboxAdmin, type SandboxUserInfo } from "./admin-client";
export { AdminCallError, InvalidSandboxInputError, SandboxError, UnknownUserError } from "./errors";
export { ERROR_STATUS, type ErrorRule, errorRuleSchema, type Scenario, type ScenarioInput, scenarioSchema, timeoutRuleSchema } from "./scenarios";
export { type RunningSandbox, type SandboxOptions, startSandbox } from "./server";
export { type NewUser, type SandboxConfig, type SandboxConfigInput, sandboxConfigSchema, type TokenPair } from "./state";
export { createWebhookSigner, type WebhookDelivery, type WebhookSigner } from "./webhooks";
