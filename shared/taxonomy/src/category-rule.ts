import { z } from "zod";
import { PRIMARIES, type Primary, primaryOf, SECONDARIES, type Secondary } from "./taxonomy";

const minor = z.number().int().describe("integer minor units (pence) of the absolute amount");

/**
 * A user's own categorisation rule (DynamoDB item `USER#<userId>` / `RULE#<ruleId>`). Every
 * condition given must hold; an absent condition matches anything. Amounts compare the absolute
 * value in minor units, so one rule covers card debits (positive) and account debits (negative).
 */
export const CategoryRuleSchema = z
  .object({
    ruleId: z.string().min(1).max(256),
    userId: z.string().min(1).max(256),
    match: z.object({
      /** Normalised merchant name, compared case- and punctuation-insensitively. */
      merchant: z.string().min(1).max(256).optional(),
      /** Text the description must contain, case-insensitive. */
      contains: z.string().min(1).max(256).optional(),
      amountMinor: z
        .object({ min: minor.nonnegative().optional(), max: minor.nonnegative().optional() })
        .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, "min must not exceed max")
        .optional(),
      accountId: z.string().min(1).max(256).optional(),
      direction: z.enum(["DEBIT", "CREDIT"]).optional(),
    }),
    category: z
      .object({ primary: z.enum(PRIMARIES as [Primary, ...Primary[]]), secondary: z.enum(SECONDARIES as [Secondary, ...Secondary[]]) })
      .refine((c) => primaryOf(c.secondary) === c.primary, "secondary must belong to primary"),
    /** `explicit`: "always categorise this merchant as…"; `learned`: from repeated edits. */
    source: z.enum(["explicit", "learned"]),
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
    version: z.number().int().positive(),
  })
  .refine(
    (r) => r.match.merchant || r.match.contains || r.match.amountMinor || r.match.accountId,
    "a rule needs at least one of merchant, contains, amountMinor, accountId",
  );

export type CategoryRule = z.infer<typeof CategoryRuleSchema>;
