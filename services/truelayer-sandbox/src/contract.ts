import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/**
 * Contract checks against TrueLayer's own OpenAPI files, read from the hand-out next to the
 * repository (never copied into it). Shared by the simulator's and the client's tests.
 */

export type ApiName = "data-api-v1" | "auth-api";
const FILES: Record<ApiName, string> = { "data-api-v1": "data-api-v1.openapi.json", "auth-api": "auth-api.openapi.json" };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** `../shared/data/truelayer` beside the repository root. */
export function trueLayerSpecDir(): string {
  // src/ → the package → services/ → the repository → its parent folder.
  return fileURLToPath(new URL("../../../../shared/data/truelayer/", import.meta.url));
}

export function loadSpec(api: ApiName): JsonObject {
  const file = join(trueLayerSpecDir(), FILES[api]);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as JsonObject;
  } catch (err) {
    throw new Error(`TrueLayer's OpenAPI file is not readable at ${file}: the contract tests need ../shared/data/truelayer beside the repository`, {
      cause: err,
    });
  }
}

export interface SpecExample {
  api: ApiName;
  path: string;
  method: string;
  status: string;
  name: string;
  value: unknown;
}

export interface ContractValidator {
  /** Validates a response body; returns ajv's error text, or undefined when it conforms. */
  check(api: ApiName, method: string, path: string, status: number, body: unknown): string | undefined;
  /** Every example response in the file, with the operation it belongs to. */
  examples(api: ApiName): SpecExample[];
}

// ajv-formats is CommonJS; its default export arrives as the module object under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as typeof addFormatsModule;

/**
 * @example
 * const contract = createContractValidator();
 * expect(contract.check("data-api-v1", "get", "/accounts/{account_id}/balance", 200, body)).toBeUndefined();
 */
export function createContractValidator(): ContractValidator {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // TrueLayer writes "datetime" (not JSON Schema's "date-time") and accepts dates or date-times.
  ajv.addFormat(
    "datetime",
    (v: string) => /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v.slice(0, 10))),
  );
  ajv.addFormat("phone_number", /^\+?[0-9 ()-]{6,}$/);
  const specs = { "data-api-v1": loadSpec("data-api-v1"), "auth-api": loadSpec("auth-api") };
  for (const [api, spec] of Object.entries(specs)) ajv.addSchema(toJsonSchema({ components: spec.components ?? {} }, api) as object, api);
  const compiled = new Map<string, ValidateFunction>();

  function responseOf(api: ApiName, method: string, path: string, status: number): JsonObject {
    const operation = get(specs[api], ["paths", path, method.toLowerCase()]);
    const responses = get(operation, ["responses"]) as JsonObject | undefined;
    if (!responses) throw new Error(`no operation ${method} ${path} in ${api}`);
    const response = resolve(specs[api], responses[String(status)] ?? responses.default);
    if (!response) throw new Error(`${method} ${path} documents no ${status} response in ${api}`);
    return response as JsonObject;
  }

  return {
    check(api, method, path, status, body) {
      const key = `${api} ${method} ${path} ${status}`;
      let validate = compiled.get(key);
      if (!validate) {
        const schema = get(responseOf(api, method, path, status), ["content", "application/json", "schema"]);
        if (!schema) throw new Error(`${key} has no JSON schema`);
        validate = ajv.compile(toJsonSchema(schema, api) as object);
        compiled.set(key, validate);
      }
      return validate(body) ? undefined : ajv.errorsText(validate.errors, { dataVar: "body" });
    },
    examples(api) {
      const out: SpecExample[] = [];
      const paths = (specs[api].paths ?? {}) as JsonObject;
      for (const [path, item] of Object.entries(paths)) {
        for (const [method, operation] of Object.entries(item as JsonObject)) {
          const responses = (get(operation, ["responses"]) ?? {}) as JsonObject;
          for (const [status, ref] of Object.entries(responses)) {
            const examples = (get(resolve(specs[api], ref), ["content", "application/json", "examples"]) ?? {}) as JsonObject;
            for (const [name, example] of Object.entries(examples)) {
              out.push({ api, path, method, status, name, value: get(resolve(specs[api], example), ["value"]) });
            }
          }
        }
      }
      return out;
    },
  };
}

function get(value: Json | undefined, keys: string[]): Json | undefined {
  let cur = value;
  for (const key of keys) cur = cur && typeof cur === "object" && !Array.isArray(cur) ? cur[key] : undefined;
  return cur;
}

/** Follows a local `$ref` ("#/components/...") to what it names. */
function resolve(spec: JsonObject, value: Json | undefined): Json | undefined {
  let cur = value;
  for (let i = 0; i < 10 && cur && typeof cur === "object" && !Array.isArray(cur) && typeof cur.$ref === "string"; i++) {
    cur = get(spec, cur.$ref.replace(/^#\//, "").split("/"));
  }
  return cur;
}

/**
 * OpenAPI 3.0 schema → JSON Schema ajv understands: refs point into the registered components
 * document (`<api>#/components/...`) and `nullable: true` becomes a null type.
 */
function toJsonSchema(value: Json, api: string): Json {
  if (Array.isArray(value)) return value.map((v) => toJsonSchema(v, api));
  if (!value || typeof value !== "object") return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === "$ref" && typeof v === "string" && v.startsWith("#/")) out[key] = `${api}${v}`;
    else if (key === "nullable") continue;
    else out[key] = toJsonSchema(v, api);
  }
  if (value.nullable === true && typeof value.type === "string") out.type = [value.type, "null"];
  return out;
}
