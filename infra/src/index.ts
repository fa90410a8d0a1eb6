export * from "./provision";
export * from "./resources";
export * from "./stack";
