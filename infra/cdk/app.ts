// `cdk synth` / `cdk deploy` entry point. Stage from context (`-c stage=prod`), default dev.
// The stack is environment-agnostic so synth runs offline, with no account or credentials.

import { allServices, stackDefinition } from "@expenzez/resources";
import { App } from "aws-cdk-lib";
import { ExpenzezStack } from "./expenzez-stack";

const app = new App();
const stage = String(app.node.tryGetContext("stage") ?? "dev");
const stack = new ExpenzezStack(app, `expenzez-${stage}`, {
  def: stackDefinition(stage),
  description: `expenzez-sync ${stage}: table, KMS key, queues with DLQs, event bus, rules and the services`,
});
// Every service of the catalogue (shared/resources/src/services.ts): adding one there deploys it.
// Today that is services/sync-worker, services/scheduler, services/webhook, services/budget-recalc
// (and its budget-rollover task), services/recurring-detector (and recurring-missed),
// services/alert-dispatch (and alert-deferred) and the platform's outbox-sweep. Not deployed:
// services/ops-cli (an operator's tool) and the local stand-ins truelayer-sandbox and fcm-sandbox.
// infra/test/cdk.test.ts fails when a services/ folder is neither in the catalogue nor named here.
stack.addServices(allServices());
app.synth();
