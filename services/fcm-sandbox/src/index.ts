export { FCM_SCOPE, type FcmMessage, fcmMessageSchema, type SendRequest, sendRequestSchema } from "./message-shape";
export { type FcmSandboxOptions, type RecordedRequest, type RunningFcmSandbox, type ServiceAccountKey, type Storm, startFcmSandbox } from "./server";
