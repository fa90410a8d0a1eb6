import { createOutboxDeleteBatcher, defineQueueService, defineScheduledTask, type ServiceKit } from "@expenzez/runtime";
import { z } from "zod";
import { runDeferredPass } from "./deferred";
import { DEFAULT_MAX_PER_HOUR, type DispatchDeps } from "./deps";
import { createSesEmailSender } from "./email";
import { createFcmClient } from "./fcm";
import { handleAlertMessage } from "./handler";
import { loadServiceAccount } from "./service-account";
import { createUserReadCache } from "./user-reads";

/** alert-dispatch's own variables (the queue service and the deferred task read the same), on top of the base config. */
export const alertDispatchEnv = z.object({
  /** The SES sender; default the stage's sender identity (`email.sender` of the stack definition). */
  ALERTS_FROM_EMAIL: z.email().optional(),
  /** `off`: no email is sent (a run without a verified sender). */
  ALERTS_EMAIL: z.enum(["on", "off"]).default("on"),
  /** The FCM service-account key as JSON (on AWS the kit reads it from `FCM_SERVICE_ACCOUNT_JSON_SECRET_ID`). Unset, with no file either: no push. */
  FCM_SERVICE_ACCOUNT_JSON: z.string().min(1).optional(),
  /** The key as a file (the local FCM stand-in writes one). */
  FCM_SERVICE_ACCOUNT_FILE: z.string().min(1).optional(),
  /** `https://fcm.googleapis.com` unless a stand-in is named. */
  FCM_BASE_URL: z.url().default("https://fcm.googleapis.com"),
  /** Overrides the key's `token_uri` (the stand-in issues keys that name their own). */
  FCM_TOKEN_URL: z.url().optional(),
  ALERTS_CONCURRENCY: z.coerce.number().int().positive().default(5),
  ALERTS_MAX_PER_HOUR: z.coerce.number().int().positive().default(DEFAULT_MAX_PER_HOUR),
  /** How long a process keeps a user's preferences, profile and devices for the next notification (0: read every time). */
  ALERTS_USER_CACHE_SECONDS: z.coerce.number().nonnegative().default(5),
});
export type AlertDispatchEnv = z.infer<typeof alertDispatchEnv>;

/** The dispatcher's deps from the kit, shared by the queue service and the deferred task. */
export async function alertDispatchDeps(kit: ServiceKit<AlertDispatchEnv>): Promise<DispatchDeps> {
  const { config, log } = kit;
  const serviceAccount = await loadServiceAccount({ json: config.FCM_SERVICE_ACCOUNT_JSON, file: config.FCM_SERVICE_ACCOUNT_FILE });
  const deps: DispatchDeps = {
    db: kit.db,
    repos: kit.repos,
    relay: kit.relay,
    ...(serviceAccount
      ? { push: createFcmClient({ serviceAccount, fcmBaseUrl: config.FCM_BASE_URL, ...(config.FCM_TOKEN_URL ? { tokenUrl: config.FCM_TOKEN_URL } : {}) }) }
      : {}),
    ...(config.ALERTS_EMAIL === "on" ? { email: createSesEmailSender(kit.aws.sesv2, config.ALERTS_FROM_EMAIL ?? kit.def.email.sender) } : {}),
    log,
    maxPerHour: config.ALERTS_MAX_PER_HOUR,
    ...(config.ALERTS_USER_CACHE_SECONDS > 0 ? { userReads: createUserReadCache({ ttlMs: config.ALERTS_USER_CACHE_SECONDS * 1000 }) } : {}),
    outboxDeletes: createOutboxDeleteBatcher(kit.relay),
  };
  if (!deps.push) log.warn("no FCM service-account key configured: push notifications are not sent");
  if (!deps.email) log.warn("ALERTS_EMAIL=off: email notifications are not sent");
  return deps;
}

/** alert-dispatch as a queue service: alert events in, notifications recorded and sent (or deferred). */
export const alertDispatch = defineQueueService({
  name: "alert-dispatch",
  env: alertDispatchEnv,
  concurrency: (config) => config.ALERTS_CONCURRENCY,
  deps: alertDispatchDeps,
  handle: async (message, deps, context) => {
    const result = await handleAlertMessage(message, { ...deps, log: context.log });
    context.log.info(result, "alert handled");
  },
});

/**
 * The deferred pass as a scheduled task (every minute): notifications whose time has come and
 * sends whose dispatcher died. Passes are safe to repeat and to overlap (each notification is
 * taken conditionally); the task lock keeps them to one at a time anyway.
 */
export const alertDeferred = defineScheduledTask({
  name: "alert-deferred",
  env: alertDispatchEnv,
  deps: alertDispatchDeps,
  run: (deps) => runDeferredPass(deps),
});

/** The worker's local cadence for the deferred task: `ALERTS_DEFERRED_EVERY_SECONDS` (0: the process does not run it), else the catalogue's interval. */
export const localDeferredEnv = z.object({ ALERTS_DEFERRED_EVERY_SECONDS: z.coerce.number().int().nonnegative().optional() });
