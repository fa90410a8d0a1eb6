import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories, type Db, type Repositories } from "@expenzez/db";
import { type DomainEvent, parseDeliveredEvent, publishEvents } from "@expenzez/events";
import type { RunningFcmSandbox } from "@expenzez/fcm-sandbox";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { emulatorEndpoint, receiveAll, resetForFile } from "@expenzez/testing";
import type { DispatchDeps } from "../src/deps";
import { createSesEmailSender } from "../src/email";
import { createFcmClient } from "../src/fcm";
import { handleAlertMessage } from "../src/handler";

/** The sender the provisioner verifies for the local stage. */
export const SENDER = "alerts@local.expenzez.app";
export const log = createLogger("test", { level: "silent" });

export interface Harness {
  stack: LocalStack;
  db: Db;
  repos: Repositories;
  /** NotificationDispatched events the relay published, in order. */
  published: DomainEvent[];
}

/** A fresh emulator with the stack provisioned (which verifies the sender); relays record what they publish. */
export async function harness(): Promise<Harness> {
  await resetForFile();
  const stack = await provisionLocalStack(emulatorEndpoint());
  const db = { doc: stack.aws.doc, tableName: stack.handles.tableName };
  const repos = createRepositories(db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }));
  return { stack, db, repos, published: [] };
}

export function dispatchDeps(h: Harness, fcm: RunningFcmSandbox, clock: { now: Date }, over: Partial<DispatchDeps> = {}): DispatchDeps {
  const events = new Proxy(h.stack.aws.events, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return async (command: { input: { Entries?: { DetailType?: string; Source?: string; Detail?: string }[] } }) => {
        for (const e of command.input.Entries ?? [])
          h.published.push({ detailType: e.DetailType, source: e.Source, detail: JSON.parse(e.Detail ?? "{}") } as DomainEvent);
        return target.send(command as never);
      };
    },
  });
  return {
    db: h.db,
    repos: h.repos,
    relay: { db: h.db, events, busName: h.stack.handles.busName, log },
    // The FCM client keeps real time: its JWTs are checked against the stand-in's clock, not the test's.
    push: createFcmClient({ serviceAccount: fcm.serviceAccount, fcmBaseUrl: fcm.fcmUrl, sleep: async () => {} }),
    email: createSesEmailSender(h.stack.aws.sesv2, h.stack.def.email.sender),
    log,
    now: () => clock.now,
    ...over,
  };
}

/** Publishes events on the bus and hands what the alert-dispatch rule routed to its queue to the handler, as the worker would. */
export async function publishAndDispatch(h: Harness, deps: DispatchDeps, events: DomainEvent[]) {
  await publishEvents(h.stack.aws.events, events, { busName: h.stack.handles.busName });
  const messages = await receiveAll(h.stack.aws.sqs, h.stack.handles.queues.alertDispatch.url, { remove: true });
  const results = [];
  for (const m of messages) results.push(await handleAlertMessage({ body: m.Body as string }, deps));
  return { results, detailTypes: messages.map((m) => parseDeliveredEvent(m.Body as string).detailType) };
}

/** Mail that moto's SES recorded as sent (its inspection endpoint; SES itself has no "list sent" call). */
export async function sentMail(): Promise<{ source: string; subject: string; destinations: { ToAddresses: string[] } }[]> {
  const data = (await (await fetch(`${emulatorEndpoint()}/moto-api/data.json`)).json()) as { ses?: { Message?: never[] } };
  return data.ses?.Message ?? [];
}

export function reposOf(h: Harness): Repositories {
  return h.repos;
}
