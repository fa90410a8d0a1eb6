import type { CategorisableTransaction } from "../src/index";

/** A card purchase as TrueLayer sends it from a current account. */
export function purchase(description: string, amount = -12.5, extra: Partial<CategorisableTransaction> = {}): CategorisableTransaction {
  return { description, amount, currency: "GBP", transaction_type: "DEBIT", transaction_category: "PURCHASE", ...extra };
}
