// `cdk synth` / `cdk deploy` entry point. Stage from context (`-c stage=prod`), default dev.
// The stack is environment-agnostic so synth runs offline, with no account or credentials.
import { App } from "aws-cdk-lib";
import { stackDefinition } from "../src/resources";
import { ExpenzezStack } from "./expenzez-stack";

const app = new App();
const stage = String(app.node.tryGetContext("stage") ?? "dev");
new ExpenzezStack(app, `expenzez-${stage}`, {
  def: stackDefinition(stage),
  description: `expenzez-sync ${stage}: table, KMS key, queues with DLQs, event bus and rules`,
});
app.synth();
