import { type DetailType, detailTypesOf, SOURCES } from "@expenzez/events";

/**
 * The one definition of every AWS resource the pipeline needs. Both deployers read it:
 * `provision.ts` (moto / LocalStack, through the SDK) and `cdk/` (real AWS), so local and
 * cloud cannot drift. Names derive from the stage.
 */

/** Key attributes and indexes of the single table (DESIGN section 2). */
export const TABLE_KEYS = { partitionKey: "PK", sortKey: "SK" } as const;

export const INDEXES = {
  /** email → user */
  byEmail: { name: "GSI1", partitionKey: "GSI1PK", sortKey: "GSI1SK" },
  /** USER#id / timestamp: transactions by date range */
  byTime: { name: "GSI2", partitionKey: "GSI2PK", sortKey: "GSI2SK" },
  /** USER#id / CATEGORY#primary#timestamp: one category over one period */
  byCategory: { name: "GSI3", partitionKey: "GSI3PK", sortKey: "GSI3SK" },
  /** SYNCDUE#shard / nextSync: sparse scheduling index */
  syncDue: { name: "GSI4", partitionKey: "GSI4PK", sortKey: "GSI4SK" },
} as const;
export type IndexId = keyof typeof INDEXES;

export const TTL_ATTRIBUTE = "TTL";

export type QueueId = "syncJobs" | "budgetRecalc" | "recurring" | "alertDispatch";

export interface QueueDefinition {
  id: QueueId;
  name: string;
  dlqName: string;
  /** Longer than the slowest handler run; the worker heartbeat extends it while it works. */
  visibilityTimeoutSeconds: number;
  /** Deliveries before SQS moves a message to the DLQ. */
  maxReceiveCount: number;
  retentionSeconds: number;
  dlqRetentionSeconds: number;
  /** Long polling: a ReceiveMessage waits up to this long for a message. */
  receiveWaitTimeSeconds: number;
}

export interface RuleDefinition {
  name: string;
  description: string;
  eventPattern: { source: string[]; "detail-type": DetailType[] };
  target: QueueId;
}

export interface StackDefinition {
  stage: string;
  table: {
    name: string;
    keys: typeof TABLE_KEYS;
    indexes: typeof INDEXES;
    ttlAttribute: string;
    pointInTimeRecovery: boolean;
  };
  queues: Record<QueueId, QueueDefinition>;
  bus: { name: string };
  rules: RuleDefinition[];
  key: { alias: string; description: string };
  /** The address alert emails come from: a verified SES identity (the provisioner verifies it on emulators). */
  email: { sender: string };
  /** Secrets Manager secret holding the FCM service-account key (created by hand, referenced by name, never in the template). */
  fcm: { secretName: string };
}

const DAY = 86_400;

function queue(stage: string, id: QueueId, slug: string, visibilityTimeoutSeconds: number, maxReceiveCount: number): QueueDefinition {
  return {
    id,
    name: `expenzez-${stage}-${slug}`,
    dlqName: `expenzez-${stage}-${slug}-dlq`,
    visibilityTimeoutSeconds,
    maxReceiveCount,
    retentionSeconds: 4 * DAY,
    dlqRetentionSeconds: 14 * DAY,
    receiveWaitTimeSeconds: 20,
  };
}

/** Which events each consumer queue receives. */
const ROUTES: { target: QueueId; slug: string; description: string; detailTypes: DetailType[] }[] = [
  {
    target: "budgetRecalc",
    slug: "budget-recalc",
    description: "synced or re-categorised transactions → budget recalculation",
    detailTypes: ["TransactionsSynced", "TransactionsRecategorised"],
  },
  {
    target: "recurring",
    slug: "recurring",
    description: "synced transactions → recurring-payment detection",
    detailTypes: ["TransactionsSynced"],
  },
  {
    target: "alertDispatch",
    slug: "alert-dispatch",
    description: "anything a user may be told about → alert dispatch",
    detailTypes: [
      "BudgetThresholdCrossed",
      "LargeTransactionDetected",
      "ConnectionReconnectRequired",
      // The consent-expiry warning and repeated sync failures (the dispatcher tells the user at the third in a row).
      "ConnectionConsentExpiring",
      "ConnectionSyncFailed",
      ...detailTypesOf(SOURCES.recurring),
    ],
  },
];

/** The whole stack for a stage. Pure: no I/O. */
export function stackDefinition(stage: string): StackDefinition {
  const rules: RuleDefinition[] = ROUTES.map((r) => {
    const sources = [...new Set(r.detailTypes.map((t) => sourceOf(t)))].sort();
    return {
      name: `expenzez-${stage}-${r.slug}`,
      description: r.description,
      eventPattern: { source: sources, "detail-type": r.detailTypes },
      target: r.target,
    };
  });
  return {
    stage,
    table: {
      name: `expenzez-${stage}`,
      keys: TABLE_KEYS,
      indexes: INDEXES,
      ttlAttribute: TTL_ATTRIBUTE,
      pointInTimeRecovery: true,
    },
    queues: {
      // A sync runs for minutes at most; after five failed deliveries a job needs a human.
      syncJobs: queue(stage, "syncJobs", "sync-jobs", 300, 5),
      budgetRecalc: queue(stage, "budgetRecalc", "budget-recalc", 60, 5),
      recurring: queue(stage, "recurring", "recurring", 120, 5),
      alertDispatch: queue(stage, "alertDispatch", "alert-dispatch", 60, 8),
    },
    bus: { name: `expenzez-${stage}` },
    rules,
    key: { alias: `alias/expenzez-${stage}-data`, description: `expenzez ${stage}: envelope encryption of tokens and account numbers` },
    email: { sender: stage === "prod" ? "alerts@expenzez.app" : `alerts@${stage}.expenzez.app` },
    fcm: { secretName: `expenzez/${stage}/fcm-service-account` },
  };
}

function sourceOf(detailType: DetailType): string {
  const source = Object.values(SOURCES).find((s) => detailTypesOf(s).includes(detailType));
  if (!source) throw new Error(`no source publishes ${detailType}`);
  return source;
}

/** Every detail-type some rule routes; the rest (e.g. NotificationDispatched) are for audit only. */
export function routedDetailTypes(def: StackDefinition): Set<DetailType> {
  return new Set(def.rules.flatMap((r) => r.eventPattern["detail-type"]));
}
