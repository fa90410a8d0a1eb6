import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { id, minor, timestamps, version } from "./common";

/** All given conditions must hold (AND); at least one is required. */
export const ruleMatchSchema = z
  .object({
    merchantExact: z.string().min(1).optional(),
    descriptionContains: z.string().min(1).optional(),
    amountMinMinor: minor.optional(),
    amountMaxMinor: minor.optional(),
    accountId: id.optional(),
  })
  .refine((m) => Object.values(m).some((v) => v !== undefined), { message: "needs at least one condition" })
  .refine((m) => m.amountMinMinor === undefined || m.amountMaxMinor === undefined || m.amountMinMinor <= m.amountMaxMinor, {
    message: "amountMinMinor must not exceed amountMaxMinor",
    path: ["amountMaxMinor"],
  });

export const categoryRuleSchema = z.object({
  userId: id,
  ruleId: id,
  match: ruleMatchSchema,
  primary: id,
  secondary: z.string().min(1).optional(),
  /** "learned" from the user's re-categorisations, or created by the user directly. */
  source: z.enum(["learned", "user"]),
  /** Higher wins when several rules match. */
  priority: z.int().default(0),
  hits: z.int().nonnegative().default(0),
  version: version.default(1),
  ...timestamps,
});
export type CategoryRule = z.output<typeof categoryRuleSchema>;
export type CategoryRuleInput = z.input<typeof categoryRuleSchema>;

/** `USER#<id>` / `RULE#<ruleId>`. */
export const categoryRuleEntity = defineEntity("CategoryRule", categoryRuleSchema, (r) => keys.rule(r.userId, r.ruleId));
