import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** The security headers TrueLayer sends with every Data API response. */
const TL_HEADERS = {
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "max-age=0",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none';",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "deny",
  "X-XSS-Protection": "1; mode=block",
  "Referrer-Policy": "no-referrer",
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const correlationId = randomUUID();
  res.writeHead(status, {
    ...TL_HEADERS,
    "X-TL-Correlation-Id": correlationId,
    "X-Request-Id": correlationId,
    Date: new Date().toUTCString(),
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** TrueLayer's error envelope. */
export function sendError(res: ServerResponse, status: number, error: string, description: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error, error_description: description, error_details: {} }, headers);
}

export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RangeError("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A form-encoded or JSON body as a flat record of strings. */
export function parseFormOrJson(body: string, contentType: string | undefined): Record<string, string> {
  if (contentType?.includes("application/json")) {
    const parsed: unknown = body ? JSON.parse(body) : {};
    if (!parsed || typeof parsed !== "object") return {};
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(new URLSearchParams(body));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
