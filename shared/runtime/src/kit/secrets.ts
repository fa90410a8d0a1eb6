import { type ServiceDefinition, secretIdVariable } from "@expenzez/resources";
import type { Env } from "./service-kit";

/**
 * On AWS a secret reaches a function by reference (`<VAR>_SECRET_ID`, its name), never as a plaintext
 * environment value in its configuration: this reads each one from Secrets Manager at cold
 * start. A variable already set (locally, in tests) wins, so nothing is fetched there.
 */
export async function resolveSecretVariables(env: Env, definition: ServiceDefinition): Promise<Env> {
  const wanted = Object.entries(definition.env ?? {}).filter(([variable, source]) => "secret" in source && !env[variable] && env[secretIdVariable(variable)]);
  if (wanted.length === 0) return env;
  const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const client = new SecretsManagerClient({ region: env.AWS_REGION ?? "eu-west-2" });
  try {
    const values = await Promise.all(
      wanted.map(async ([variable]) => {
        const out = await client.send(new GetSecretValueCommand({ SecretId: env[secretIdVariable(variable)] }));
        return [variable, out.SecretString] as const;
      }),
    );
    return { ...env, ...Object.fromEntries(values) };
  } finally {
    client.destroy();
  }
}
