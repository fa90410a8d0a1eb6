import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** The document client, or anything that sends its commands (a scripted client in unit tests). */
export type DocClient = Pick<DynamoDBDocumentClient, "send">;

/** Where the single table lives. */
export interface Db {
  doc: DocClient;
  tableName: string;
}

/** One page of a query; `cursor` is absent on the last page. */
export interface Page<T> {
  items: T[];
  cursor?: string | undefined;
}

export interface PageOptions {
  /** Items per page; default 50, at most 1000. */
  limit?: number;
  /** From the previous page. */
  cursor?: string | undefined;
}
