import type { KMSClient } from "@aws-sdk/client-kms";

/** Counts KMS commands by name while still sending every one to `kms` (moto in these tests). */
export function countingKms(kms: KMSClient) {
  const calls: string[] = [];
  return {
    calls,
    count: (name: string) => calls.filter((c) => c === name).length,
    client: {
      send: ((command: { constructor: { name: string } }) => {
        calls.push(command.constructor.name);
        return (kms.send as (c: unknown) => Promise<unknown>)(command);
      }) as unknown as KMSClient["send"],
    },
  };
}
