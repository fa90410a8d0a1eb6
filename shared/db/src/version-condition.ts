/**
 * The optimistic-lock condition: the stored `version` must still be `expected`. Spread into any
 * Put / Update / Delete / ConditionCheck input.
 *
 * `unversioned` names attributes other writers change without bumping the version (the sync
 * lease): a full put writes back the values it read, so it must also find them unchanged, or it
 * would hand a lease back to its old owner, or free one another worker holds.
 */
export function versionCondition(expected: number, unversioned: Readonly<Record<string, unknown>> = {}) {
  const names: Record<string, string> = { "#version": "version" };
  const values: Record<string, unknown> = { ":expected": expected };
  const clauses = ["#version = :expected"];
  Object.entries(unversioned).forEach(([attribute, value], i) => {
    names[`#u${i}`] = attribute;
    if (value === undefined) clauses.push(`attribute_not_exists(#u${i})`);
    else {
      values[`:u${i}`] = value;
      clauses.push(`#u${i} = :u${i}`);
    }
  });
  return { ConditionExpression: clauses.join(" AND "), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}
