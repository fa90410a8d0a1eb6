export * from "./alarms";
export * from "./services";
export * from "./stack-definition";
