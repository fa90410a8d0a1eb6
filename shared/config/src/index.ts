import { z } from "zod";
import { ConfigError } from "./errors";

export { ConfigError } from "./errors";

/** Stages that run against real AWS; every other stage needs an emulator endpoint. */
export const CLOUD_STAGES = ["dev", "staging", "prod"] as const;

const baseSchema = z.object({
  STAGE: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,20}$/, "lower-case letters, digits and dashes")
    .default("local"),
  AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "a real AWS region such as eu-west-2")
    .default("eu-west-2"),
  AWS_ENDPOINT_URL: z.url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type BaseConfig = z.infer<typeof baseSchema> & { isCloud: boolean };

/**
 * Parses the environment once with `schema` (extended from the base). A missing or bad
 * variable throws a ConfigError that names it, so the process stops with a clear message.
 *
 * @example
 * const config = loadConfig(process.env, z.object({ TRUELAYER_CLIENT_ID: z.string() }));
 */
export function loadConfig<S extends z.ZodRawShape = Record<never, never>>(
  env: Record<string, string | undefined> = process.env,
  extra?: z.ZodObject<S>,
): BaseConfig & z.infer<z.ZodObject<S>> {
  const schema = extra ? baseSchema.extend(extra.shape) : baseSchema;
  // Empty strings count as unset: `FOO= cmd` is how people clear a variable.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const variables = parsed.error.issues.map((i) => String(i.path[0]));
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`, variables);
  }
  const data = parsed.data as z.infer<typeof baseSchema>;
  const isCloud = (CLOUD_STAGES as readonly string[]).includes(data.STAGE);
  if (!isCloud && !data.AWS_ENDPOINT_URL) {
    throw new ConfigError(`AWS_ENDPOINT_URL: required for stage "${data.STAGE}" (only ${CLOUD_STAGES.join("/")} talk to real AWS)`, ["AWS_ENDPOINT_URL"]);
  }
  // The other way round too: a cloud stage's process (or an operator's command) with an emulator
  // endpoint left in the shell would act on the emulator while its caller believes it acted on AWS.
  if (isCloud && data.AWS_ENDPOINT_URL) {
    throw new ConfigError(
      `AWS_ENDPOINT_URL: stage "${data.STAGE}" runs on real AWS; unset AWS_ENDPOINT_URL (it points at ${data.AWS_ENDPOINT_URL}) or use another stage`,
      ["AWS_ENDPOINT_URL"],
    );
  }
  return { ...(parsed.data as BaseConfig & z.infer<z.ZodObject<S>>), isCloud };
}

/**
 * Stops emulator-only tools (the provisioner, the demo) from running for a cloud stage, where
 * resources come from the CDK app and data is real.
 */
export function assertEmulatorStage(env: Record<string, string | undefined> = process.env): void {
  const stage = env.STAGE || "local";
  if ((CLOUD_STAGES as readonly string[]).includes(stage)) {
    throw new ConfigError(`STAGE: "${stage}" runs on real AWS; deploy it with the CDK app (infra/cdk), not the emulator tools`, ["STAGE"]);
  }
}

/**
 * Runs a command's body; a ConfigError ends the process with its message (exit 2) instead of
 * a stack trace, since the fix is in the environment, not the code.
 */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`configuration error: ${err.message}`);
    process.exit(2);
  }
}
