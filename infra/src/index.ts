export * from "@expenzez/resources";
export * from "./provision";
export * from "./stack";
