import { type BackfillRun, type BackfillStep, backfillRunEntity, backfillStepEntity } from "../entities/backfill";
import { getEntity, putItem, queryAll } from "../items";
import { BACKFILL_STEP_PREFIX, keys } from "../keys";
import type { Db } from "../table";

type RunInput = Parameters<typeof backfillRunEntity.toItem>[0];
type StepInput = Parameters<typeof backfillStepEntity.toItem>[0];

/**
 * A backfill's checkpoint: its header and one step per connection it has queued. A step is
 * written after its job was sent, so a run killed in between sends that one job again on resume
 * (with the same job id, which the sync worker treats as a repeat), never skips one.
 */
export function backfillRepository(db: Db) {
  return {
    getRun: (backfillId: string): Promise<BackfillRun | undefined> => getEntity(db, backfillRunEntity, keys.backfillRun(backfillId)),
    putRun: (run: RunInput): Promise<BackfillRun> => putItem(db, backfillRunEntity, run),
    markQueued: (step: StepInput): Promise<BackfillStep> => putItem(db, backfillStepEntity, step),
    /** Every step of the backfill (consistent), to skip on resume. */
    listSteps(backfillId: string): Promise<BackfillStep[]> {
      const { PK } = keys.backfillRun(backfillId);
      return queryAll(db, backfillStepEntity, `backfill:${backfillId}`, {
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :step)",
        ExpressionAttributeValues: { ":pk": PK, ":step": BACKFILL_STEP_PREFIX },
        ConsistentRead: true,
      });
    },
  };
}

export type BackfillRepository = ReturnType<typeof backfillRepository>;
