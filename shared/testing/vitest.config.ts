import { packageTestConfig } from "./src/vitest-preset";
export default packageTestConfig(import.meta.dirname);
