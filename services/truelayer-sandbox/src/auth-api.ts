import type { IncomingMessage, ServerResponse } from "node:http";
import { parseFormOrJson, readBody, sendJson } from "./http";
import type { SandboxState } from "./state";

/**
 * `POST /connect/token`. `refresh_token` as TrueLayer does it; `authorization_code` takes the
 * simulated user's id as the code, so a demo can "connect" any user without a browser.
 */
export async function handleToken(state: SandboxState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "POST") return authError(res, 400, "invalid_request", "Use POST.");
  let form: Record<string, string>;
  try {
    form = parseFormOrJson(await readBody(req), req.headers["content-type"]);
  } catch {
    return authError(res, 400, "invalid_request", "The request body could not be read.");
  }
  if (form.client_id !== state.config.client_id || form.client_secret !== state.config.client_secret) {
    return authError(res, 400, "unauthorized_client", "Invalid client credentials.");
  }
  if (form.grant_type === "refresh_token") {
    if (!form.refresh_token) return authError(res, 400, "invalid_request", "refresh_token is required.");
    const pair = state.refresh(form.refresh_token);
    return pair ? sendJson(res, 200, pair) : authError(res, 400, "invalid_grant", "The refresh token is invalid, expired or revoked.");
  }
  if (form.grant_type === "authorization_code") {
    if (!form.code || !/^[A-Za-z0-9._-]{1,64}$/.test(form.code)) return authError(res, 400, "invalid_grant", "Invalid authorization code.");
    return sendJson(res, 200, state.authorise(form.code));
  }
  return authError(res, 400, "invalid_request", `Unsupported grant_type "${form.grant_type ?? ""}".`);
}

/**
 * `DELETE /api/delete` with the connection's access token as bearer: TrueLayer's way to revoke a
 * connection (its credentials and consent). 200 with an empty object; 401 for an unknown or
 * expired token (refresh first, as a client must).
 */
export function handleDeleteConnection(state: SandboxState, req: IncomingMessage, res: ServerResponse): void {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  if (req.method !== "DELETE") authError(res, 405, "invalid_request", "Use DELETE.");
  else if (!token || !state.revokeConsent(token)) authError(res, 401, "invalid_token", "The access token is invalid or expired.");
  else sendJson(res, 200, {});
}

function authError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description });
}
