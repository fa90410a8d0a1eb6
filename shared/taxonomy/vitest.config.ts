import { packageTestConfig } from "@expenzez/testing/vitest";
export default packageTestConfig(import.meta.dirname);
