#!/usr/bin/env node
// The package is not built: run the TypeScript CLI through tsx's loader.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
