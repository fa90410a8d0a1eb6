import { type CategoryRule, CategoryRuleSchema } from "@expenzez/categoriser";
import type { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";

/**
 * A user's category rule. The categoriser owns its shape (it matches and learns rules); the
 * table stores exactly that shape under `USER#<id>` / `RULE#<ruleId>`.
 */
export const categoryRuleSchema = CategoryRuleSchema;
export type { CategoryRule };
export type CategoryRuleInput = z.input<typeof CategoryRuleSchema>;

export const categoryRuleEntity = defineEntity("CategoryRule", categoryRuleSchema, (r) => keys.rule(r.userId, r.ruleId));
