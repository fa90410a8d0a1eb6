import { TTL_ATTRIBUTE } from "@expenzez/infra";
import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { currency, epochSeconds, id, isoDate, isoDateTime, minor, version } from "./common";
import { RECURRING_FREQUENCIES } from "./transaction";

/** One bill expected in the predictions' window. */
export const upcomingBillSchema = z.object({
  streamId: id,
  merchant: z.string().min(1),
  frequency: z.enum(RECURRING_FREQUENCIES),
  expectedOn: isoDate,
  /** Positive pence: the stream's usual amount. */
  amountMinor: minor,
  currency,
});
export type UpcomingBill = z.output<typeof upcomingBillSchema>;

/** `predictions`: the recurring outflows expected in the next 30 days. */
export const aiAnalysisCacheSchema = z.object({
  userId: id,
  analysisType: z.enum(["predictions"]),
  from: isoDate,
  to: isoDate,
  upcomingBills: z.array(upcomingBillSchema),
  /** Sum per currency, pence. */
  totalsMinor: z.record(z.string(), minor),
  generatedAt: isoDateTime,
  /** Epoch seconds; copied to the table's TTL attribute. */
  expiresAt: epochSeconds,
  version: version.default(1),
});
export type AIAnalysisCache = z.output<typeof aiAnalysisCacheSchema>;
export type AIAnalysisCacheInput = z.input<typeof aiAnalysisCacheSchema>;

/** `USER#<id>` / `AIANALYSIS#<analysisType>`, with TTL. */
export const aiAnalysisCacheEntity = defineEntity("AIAnalysisCache", aiAnalysisCacheSchema, (a) => ({
  ...keys.aiAnalysis(a.userId, a.analysisType),
  [TTL_ATTRIBUTE]: a.expiresAt,
}));
