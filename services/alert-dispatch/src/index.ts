export * from "./alert";
export * from "./decide";
export * from "./errors";
export * from "./rules";
export * from "./schedule";
export * from "./templates";
