export * from "./dead-letter";
export * from "./disposition";
export * from "./errors";
export * from "./lambda-adapter";
export * from "./message";
export * from "./process-message";
export * from "./sqs-worker";
