export { startSandbox, type RunningSandbox, type SandboxOptions } from "./server";
export { createSandboxAdmin, type SandboxAdmin, type SandboxUserInfo } from "./admin-client";
export type { AddTransaction, RequestRecord } from "./admin-api";
export { scenarioSchema, errorRuleSchema, timeoutRuleSchema, ERROR_STATUS, type Scenario, type ScenarioInput, type ErrorRule } from "./scenarios";
export { sandboxConfigSchema, type SandboxConfig, type SandboxConfigInput, type NewUser, type TokenPair } from "./state";
export { createWebhookSigner, type WebhookDelivery, type WebhookSigner } from "./webhooks";
export { SandboxError, UnknownUserError, InvalidSandboxInputError, AdminCallError } from "./errors";
