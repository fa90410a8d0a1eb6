export { type AppOptions, type ClientIp, createApp, normaliseIp } from "./app";
export { type BearerOptions, type BearerVerifier, bearerVerifier, type Caller } from "./bearer";
export * from "./errors";
export * from "./handler";
export { type JobSender, sqsJobSender } from "./jobs";
export { type SignedDelivery, type TlSignatureOptions, type TlSignatureVerifier, tlSignatureVerifier } from "./tl-signature";
