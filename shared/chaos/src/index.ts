export * from "./fault-proxy";
export * from "./prng";
