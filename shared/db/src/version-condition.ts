/**
 * The optimistic-lock condition: the stored `version` must still be `expected`. Spread into any
 * Put / Update / Delete / ConditionCheck input.
 */
export function versionCondition(expected: number) {
  return {
    ConditionExpression: "#version = :expected",
    ExpressionAttributeNames: { "#version": "version" } as Record<string, string>,
    ExpressionAttributeValues: { ":expected": expected } as Record<string, unknown>,
  };
}
