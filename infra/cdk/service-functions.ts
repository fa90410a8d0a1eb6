import { join } from "node:path";
import { functionTimeoutSeconds, type ServiceDefinition, secretIdVariable } from "@expenzez/resources";
import { Duration } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as schedulerTargets from "aws-cdk-lib/aws-scheduler-targets";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import type { ExpenzezStack } from "./expenzez-stack";

/** The repository root: entries in SERVICES are relative to it. */
const REPO_ROOT = join(import.meta.dirname, "..", "..");

export interface ServiceFunctionOptions {
  /**
   * Code to use instead of bundling the entry (unit tests of the template: bundling every
   * service takes seconds each). The real `cdk synth` always bundles.
   */
  code?: lambda.Code;
}

/** Every secret lives under one prefix per stage in Secrets Manager: `expenzez/<stage>/<name>`. */
export function secretName(stage: string, name: string): string {
  return `expenzez/${stage}/${name}`;
}

/**
 * One deployable of the SERVICES catalogue as a Lambda function with exactly the grants its
 * `access` declares, fed by its queue (partial batch responses), its schedule (EventBridge
 * Scheduler) or a Function URL.
 */
export class ServiceFunction extends Construct {
  readonly fn: lambda.Function;
  readonly url?: lambda.FunctionUrl;

  constructor(stack: ExpenzezStack, service: ServiceDefinition, options: ServiceFunctionOptions = {}) {
    super(stack, `Service-${service.name}`);
    const { def } = stack;
    const timeoutSeconds = functionTimeoutSeconds(service, def);
    const common = {
      functionName: `expenzez-${def.stage}-${service.name}`,
      description: `expenzez-sync ${def.stage}: ${service.name} (${service.kind})`,
      memorySize: service.memoryMb ?? 256,
      timeout: Duration.seconds(timeoutSeconds),
      architecture: lambda.Architecture.ARM_64,
      environment: { STAGE: def.stage, NODE_OPTIONS: "--enable-source-maps" },
    };
    this.fn = options.code
      ? new lambda.Function(this, "Function", { ...common, runtime: lambda.Runtime.NODEJS_20_X, handler: "index.handler", code: options.code })
      : new NodejsFunction(this, "Function", {
          ...common,
          runtime: lambda.Runtime.NODEJS_20_X,
          entry: join(REPO_ROOT, service.entry),
          projectRoot: REPO_ROOT,
          depsLockFilePath: join(REPO_ROOT, "pnpm-lock.yaml"),
          // ESM for the entries' top-level await (clients built once per container); the
          // local esbuild devDependency bundles offline, so no Docker is needed.
          bundling: {
            format: OutputFormat.ESM,
            target: "node20",
            minify: true,
            sourceMap: true,
            mainFields: ["module", "main"],
            banner: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);",
            forceDockerBundling: false,
            // Bundle the SDK the lockfile pins (ADR 0003) instead of leaving @aws-sdk/* to the
            // Lambda runtime's own copy, a version the tests never ran and that AWS moves on its
            // own schedule; transactWrite's serializer replaces the SDK's by name (ADR 0066).
            externalModules: [],
          },
        });

    for (const [variable, source] of Object.entries(service.env ?? {})) {
      // Another service's URL: wired by the stack once every function exists (addServices).
      if ("urlOf" in source) continue;
      if ("value" in source) this.fn.addEnvironment(variable, source.value);
      else {
        // By reference: the function reads the value at cold start; it never sits in its configuration.
        // By name, not by the partial ARN a synth knows (the random suffix comes at creation):
        // Secrets Manager reads a partial ARN whose name ends in a hyphen and six characters
        // ("truelayer-client-secret") as a complete one and finds nothing. The grant covers the suffix.
        const name = secretName(def.stage, source.secret);
        const secret = secretsmanager.Secret.fromSecretNameV2(this, `Secret-${variable}`, name);
        secret.grantRead(this.fn);
        this.fn.addEnvironment(secretIdVariable(variable), name);
      }
    }

    const { access } = service;
    if (access.table === "read") stack.table.grantReadData(this.fn);
    if (access.table === "readWrite") stack.table.grantReadWriteData(this.fn);
    if (access.key === "decrypt") stack.key.grantDecrypt(this.fn);
    if (access.key === "encryptDecrypt") stack.key.grantEncryptDecrypt(this.fn);
    if (access.bus) stack.bus.grantPutEventsTo(this.fn);
    for (const id of access.sendTo ?? []) stack.queues[id].queue.grantSendMessages(this.fn);
    for (const id of access.readDepthOf ?? []) {
      this.fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl"], resources: [stack.queues[id].queue.queueArn] }),
      );
    }
    if (access.sendEmail) {
      this.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ["ses:SendEmail"], resources: [stack.sender.emailIdentityArn] }));
    }

    if (service.kind === "queue") {
      const { queue, dlq } = stack.queues[service.queue];
      this.fn.addEventSource(new SqsEventSource(queue, { batchSize: service.batchSize ?? 10, reportBatchItemFailures: true }));
      // The runtime dead-letters a message that can never succeed itself, with the reason attached,
      // and sends a deferred message's delayed copy back to its own queue (ADR 0052): without
      // that grant every deferral would fail and spend a receive instead.
      dlq.grantSendMessages(this.fn);
      queue.grantSendMessages(this.fn);
    } else if (service.kind === "schedule") {
      new scheduler.Schedule(this, "Schedule", {
        scheduleName: `expenzez-${def.stage}-${service.name}`,
        description: `every ${service.everyMinutes} min: ${service.name}`,
        schedule: scheduler.ScheduleExpression.rate(Duration.minutes(service.everyMinutes)),
        target: new schedulerTargets.LambdaInvoke(this.fn, { retryAttempts: 0 }),
      });
    } else {
      // The webhook verifies every request itself (JWT, TrueLayer signature), so the URL is public.
      this.url = this.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    }
  }
}
