export * from "./backoff";
export * from "./clock";
export * from "./errors";
export * from "./limits";
export * from "./seeded-random";
