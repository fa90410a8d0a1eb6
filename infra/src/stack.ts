import { type AwsClients, createAwsClients } from "@expenzez/aws";
import { type StackDefinition, stackDefinition } from "@expenzez/resources";
import { provision, type StackHandles } from "./provision";

export interface LocalStack {
  def: StackDefinition;
  aws: AwsClients;
  handles: StackHandles;
}

/**
 * Provisions the stage's stack on an emulator endpoint and returns clients and handles:
 * what the demo, the workers run locally and the integration tests start from.
 */
export async function provisionLocalStack(endpoint: string, stage = "local", region = "eu-west-2"): Promise<LocalStack> {
  const aws = createAwsClients({ region, endpoint });
  const def = stackDefinition(stage);
  const { handles } = await provision(aws, def);
  return { def, aws, handles };
}
