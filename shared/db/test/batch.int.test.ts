import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { LocalStack } from "@expenzez/infra";
import { beforeAll, describe, expect, it } from "vitest";
import { aRule } from "../../fixtures/src/entities";
import { batchGet, batchWrite, categoryRuleEntity, keys } from "../src";
import { freshTable } from "./local-table";

let stack: LocalStack;

beforeAll(async () => {
  ({ stack } = await freshTable());
});

async function countItems(): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.aws.doc.send(new ScanCommand({ TableName: stack.handles.tableName, Select: "COUNT", ExclusiveStartKey }));
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

describe("batch helpers on moto", () => {
  it("writes 130 items in chunks of 25 and reads them back in chunks of 100", async () => {
    // Prepare
    const rules = Array.from({ length: 130 }, (_, i) => aRule({ userId: "user-batch", ruleId: `r${String(i).padStart(3, "0")}` }));
    // Act
    const written = await batchWrite(
      stack.aws.doc,
      stack.handles.tableName,
      rules.map((r) => ({ PutRequest: { Item: categoryRuleEntity.toItem(r) } })),
    );
    const read = await batchGet(stack.aws.doc, stack.handles.tableName, [
      ...rules.map((r) => keys.rule(r.userId, r.ruleId)),
      keys.rule("user-batch", "absent"),
    ]);
    // Assess
    expect(written.calls).toBe(6);
    expect(await countItems()).toBe(130);
    expect(read.calls).toBe(2);
    const back = read.items.map((i) => categoryRuleEntity.fromItem(i));
    expect(back.map((r) => r.ruleId).sort()).toEqual(rules.map((r) => r.ruleId));
  });

  it("deletes in batches too", async () => {
    const deletes = Array.from({ length: 30 }, (_, i) => ({ DeleteRequest: { Key: keys.rule("user-batch", `r${String(i).padStart(3, "0")}`) } }));
    await batchWrite(stack.aws.doc, stack.handles.tableName, deletes);
    expect(await countItems()).toBe(100);
  });
});
