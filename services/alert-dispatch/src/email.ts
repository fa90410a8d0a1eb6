import { type SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { DeliveryError } from "./errors";
import type { RenderedNotification } from "./templates";

export interface EmailSender {
  send(to: string, notification: RenderedNotification): Promise<{ messageId: string }>;
}

/** SES errors that a later try can get past; anything else (MessageRejected, a bad address) will fail again. */
const RETRYABLE_SES = new Set(["TooManyRequestsException", "SendingPausedException", "LimitExceededException", "InternalFailure", "ServiceUnavailable"]);

/**
 * Whether the same email may get through later: SES throttling or its own fault, or no answer
 * from SES at all (connection refused or reset, a timeout: the SDK's errors without an HTTP
 * status), as the FCM client treats a network fault. An answer that refuses it (MessageRejected,
 * a bad address) is final.
 */
function retryableSes(err: unknown): boolean {
  const e = (err && typeof err === "object" ? err : {}) as { name?: unknown; $fault?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (RETRYABLE_SES.has(String(e.name)) || e.$fault === "server") return true;
  return e.$metadata?.httpStatusCode === undefined;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Email through SES v2 `SendEmail` (the same call on moto, LocalStack and AWS). The sender must be
 * a verified identity: provisioning verifies it.
 *
 * @example await createSesEmailSender(aws.sesv2, "alerts@expenzez.app").send("ann@example.com", rendered)
 */
export function createSesEmailSender(ses: SESv2Client, from: string): EmailSender {
  return {
    async send(to, n) {
      const text = `${n.body}\n\nOpen in the app: ${n.deepLink}\n`;
      const html = `<p>${escapeHtml(n.body)}</p><p><a href="${escapeHtml(n.deepLink)}">Open in the app</a></p>`;
      try {
        const out = await ses.send(
          new SendEmailCommand({
            FromEmailAddress: from,
            Destination: { ToAddresses: [to] },
            Content: {
              Simple: {
                Subject: { Data: n.title, Charset: "UTF-8" },
                Body: { Text: { Data: text, Charset: "UTF-8" }, Html: { Data: html, Charset: "UTF-8" } },
              },
            },
            EmailTags: [{ Name: "type", Value: (n.data.type ?? "alert").replace(/[^A-Za-z0-9_-]/g, "_") }],
          }),
        );
        return { messageId: out.MessageId ?? "" };
      } catch (err) {
        const name = err && typeof err === "object" && "name" in err ? String(err.name) : "Error";
        throw new DeliveryError(`ses.${name}`, `SES refused the email: ${name}`, retryableSes(err), { providerCode: name }, { cause: err });
      }
    },
  };
}
