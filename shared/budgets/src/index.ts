export * from "./budget";
export * from "./counting";
export * from "./errors";
export * from "./event-ids";
export * from "./figures";
export * from "./periods";
export * from "./rollover";
