import { z } from "zod";

/**
 * FCM HTTP v1's `messages:send` request body, as documented (firebase.google.com/docs/reference/fcm/rest/v1/projects.messages).
 * Strict objects: FCM answers an unknown field with 400 INVALID_ARGUMENT ("Unknown name …"), so
 * does this stand-in. Only the fields a server sends are modelled; the rest are refused.
 */
const stringMap = z.record(z.string(), z.string());
const duration = z.string().regex(/^\d+(\.\d{1,9})?s$/, "must be a duration such as 3600s");

const notification = z.strictObject({ title: z.string().optional(), body: z.string().optional(), image: z.url().optional() });

const androidNotification = z.strictObject({
  title: z.string().optional(),
  body: z.string().optional(),
  icon: z.string().optional(),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .optional(),
  sound: z.string().optional(),
  tag: z.string().optional(),
  click_action: z.string().optional(),
  channel_id: z.string().optional(),
  notification_priority: z.enum(["PRIORITY_UNSPECIFIED", "PRIORITY_MIN", "PRIORITY_LOW", "PRIORITY_DEFAULT", "PRIORITY_HIGH", "PRIORITY_MAX"]).optional(),
});

const android = z.strictObject({
  collapse_key: z.string().optional(),
  priority: z.enum(["NORMAL", "HIGH", "normal", "high"]).optional(),
  ttl: duration.optional(),
  restricted_package_name: z.string().optional(),
  data: stringMap.optional(),
  notification: androidNotification.optional(),
  direct_boot_ok: z.boolean().optional(),
});

const apns = z.strictObject({
  headers: stringMap.optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
  fcm_options: z.strictObject({ analytics_label: z.string().optional(), image: z.string().optional() }).optional(),
});

const webpush = z.strictObject({
  headers: stringMap.optional(),
  data: stringMap.optional(),
  notification: z.record(z.string(), z.unknown()).optional(),
  fcm_options: z.strictObject({ link: z.string().optional(), analytics_label: z.string().optional() }).optional(),
});

export const fcmMessageSchema = z
  .strictObject({
    name: z.string().optional(),
    token: z.string().min(1).optional(),
    topic: z.string().min(1).optional(),
    condition: z.string().min(1).optional(),
    data: stringMap.optional(),
    notification: notification.optional(),
    android: android.optional(),
    apns: apns.optional(),
    webpush: webpush.optional(),
    fcm_options: z.strictObject({ analytics_label: z.string().regex(/^[a-zA-Z0-9-_.~%]{1,50}$/) }).optional(),
  })
  .refine((m) => [m.token, m.topic, m.condition].filter((t) => t !== undefined).length === 1, {
    message: "exactly one of token, topic or condition is required",
  })
  .refine((m) => !m.data || Object.keys(m.data).every((k) => !/^(from|gcm\.|google\.)/.test(k) && k !== "message_type" && k !== "notification"), {
    message: "data keys must not be reserved words (from, notification, message_type, or start with google. / gcm.)",
    path: ["data"],
  });

export const sendRequestSchema = z.strictObject({ validate_only: z.boolean().optional(), message: fcmMessageSchema });
export type FcmMessage = z.output<typeof fcmMessageSchema>;
export type SendRequest = z.output<typeof sendRequestSchema>;

/** The scope a token must carry to send. */
export const FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
