import { type CategoryRule, CategoryRuleSchema } from "@expenzez/taxonomy";
import type { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";

/**
 * A user's category rule. Its shape is a contract in @expenzez/taxonomy (beside the category tree
 * it names), shared with the categoriser that matches and learns rules, so the table does not
 * load the categoriser to validate a rule; stored under `USER#<id>` / `RULE#<ruleId>`.
 */
export const categoryRuleSchema = CategoryRuleSchema;
export type { CategoryRule };
export type CategoryRuleInput = z.input<typeof CategoryRuleSchema>;

export const categoryRuleEntity = defineEntity("CategoryRule", categoryRuleSchema, (r) => keys.rule(r.userId, r.ruleId));
