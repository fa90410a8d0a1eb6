import { randomUUID } from "node:crypto";
import type { TransactWriteItemsCommandInput, TransactWriteItemsCommandOutput } from "@aws-sdk/client-dynamodb";
import { HttpRequest } from "@smithy/core/protocols";
import type { AbsoluteLocation, SerializeHandlerOptions, SerializeMiddleware } from "@smithy/types";

/** DynamoDB's JSON protocol (awsJson1_0): every operation is a POST of one JSON body, named by this header. */
const TARGET = "DynamoDB_20120810.TransactWriteItems";
const CONTENT_TYPE = "application/x-amz-json-1.0";

/**
 * The JSON body of a TransactWriteItems request whose items are AttributeValue maps already
 * (`toTransactWriteItem`): one `JSON.stringify`, members in the model's order as the SDK's
 * serializer writes them, and a `ClientRequestToken` generated when none is given, as the SDK
 * does for the model's idempotency token (its own retries then replay one request).
 * Byte-equal to the SDK's body for the same input (test/transact-body.test.ts).
 */
export function transactWriteBody(input: TransactWriteItemsCommandInput): string {
  return JSON.stringify({
    TransactItems: input.TransactItems,
    ReturnConsumedCapacity: input.ReturnConsumedCapacity,
    ReturnItemCollectionMetrics: input.ReturnItemCollectionMetrics,
    ClientRequestToken: input.ClientRequestToken ?? randomUUID(),
  });
}

/**
 * Replaces the SDK's schema serializer for one TransactWriteItemsCommand (ADR 0066): the
 * request is the SDK's in every respect but the body's writer. The endpoint is the one the
 * SDK's endpoint middleware resolved for this command (it runs before the serializer); the
 * build, signing, retry and HTTP middleware that follow are the SDK's own.
 */
export const transactWriteSerializer: SerializeMiddleware<TransactWriteItemsCommandInput, TransactWriteItemsCommandOutput> =
  (next, context) => async (args) => {
    const endpoint = context.endpointV2;
    if (!endpoint) throw new TypeError("TransactWriteItems: no endpoint resolved before the serializer");
    const { url } = endpoint;
    const headers: Record<string, string> = {};
    for (const name in endpoint.headers ?? {}) headers[name] = (endpoint.headers?.[name] ?? []).join(", ");
    headers["content-type"] = CONTENT_TYPE;
    headers["x-amz-target"] = TARGET;
    const request = new HttpRequest({
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`,
      query: Object.fromEntries(url.searchParams),
      headers,
      // Bytes once: the signer hashes them and the socket writes them; each would encode a string again.
      body: Buffer.from(transactWriteBody(args.input), "utf8"),
    });
    return next({ ...args, request });
  };

/**
 * Where `transactWriteSerializer` goes: in place of the SDK's serializer (same name, step and
 * priority), so the endpoint middleware placed before it still runs first.
 */
export const TRANSACT_WRITE_SERIALIZER: SerializeHandlerOptions & AbsoluteLocation = {
  priority: "normal",
  name: "serializerMiddleware",
  step: "serialize",
  tags: ["SERIALIZER"],
  override: true,
};
