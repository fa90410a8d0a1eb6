// The category tree lives in @expenzez/taxonomy (no dependencies but zod), so the table's
// entities can validate stored categories and rules without loading the categoriser.
export * from "@expenzez/taxonomy";
