import { existsSync, readFileSync } from "node:fs";
import { ConfigError } from "@expenzez/config";
import { type ServiceAccount, serviceAccountSchema } from "./fcm";

/** A key file that a process started alongside (the local FCM stand-in) may still be writing: wait up to 15 s for it. */
async function readWhenThere(path: string, waitMs = 15_000): Promise<string> {
  const until = Date.now() + waitMs;
  for (;;) {
    if (existsSync(path) || Date.now() > until) return readFileSync(path, "utf8");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The FCM service-account key from the JSON itself (on AWS the kit has already read it from
 * Secrets Manager into `FCM_SERVICE_ACCOUNT_JSON`; tests set it) or from a file (the local
 * stand-in writes one). Undefined when neither is set. The key is never logged or echoed in an error.
 */
export async function loadServiceAccount(source: { json?: string | undefined; file?: string | undefined }): Promise<ServiceAccount | undefined> {
  let text: string | undefined;
  if (source.json) text = source.json;
  else if (source.file) text = await readWhenThere(source.file);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError("the FCM service-account key is not JSON", ["FCM_SERVICE_ACCOUNT_JSON"]);
  }
  const parsed = serviceAccountSchema.safeParse(json);
  if (!parsed.success)
    throw new ConfigError(`the FCM service-account key lacks ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`, ["FCM_SERVICE_ACCOUNT_JSON"]);
  return parsed.data;
}
