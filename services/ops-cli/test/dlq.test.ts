import { describe, expect, it } from "vitest";
import { toDeadLetter } from "../src/index";

describe("toDeadLetter", () => {
  it("names an event EventBridge could not deliver by EventBridge's own error, not as moved by SQS", () => {
    const letter = toDeadLetter({
      MessageId: "m1",
      Body: '{"detail-type":"TransactionsSynced"}',
      MessageAttributes: {
        ERROR_CODE: { DataType: "String", StringValue: "SQS_PERMISSION_DENIED" },
        ERROR_MESSAGE: { DataType: "String", StringValue: "Access denied to the target queue" },
        RULE_ARN: { DataType: "String", StringValue: "arn:aws:events:eu-west-2:1:rule/expenzez-prod/expenzez-prod-recurring" },
      },
    });
    expect(letter).toMatchObject({ failureCode: "eventbridge.SQS_PERMISSION_DENIED", failureReason: "Access denied to the target queue" });
  });
});
