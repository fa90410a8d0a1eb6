export * from "./catalogue";
export * from "./envelope";
export * from "./errors";
export * from "./json-schema";
export * from "./messages/sync-job";
export * from "./publisher";
export * from "./versions";
