import { type Logger, type LoggerOptions, pino } from "pino";

export type { Logger } from "pino";

/**
 * Words a secret's name ends in (case-insensitive): `accessToken`, `refresh_token`,
 * `client_secret`, the FCM service account's `private_key`, the AWS SDK's `secretAccessKey`.
 */
const SECRET_WORDS =
  "token|secret|password|authorization|cookie|api[-_]?key|private[-_]?key|secret[-_]?access[-_]?key|account[-_]?number|sort[-_]?code|iban|ciphertext|plaintext|data[-_]?key";
/**
 * Keys whose values never reach a log line, at any depth: names that END in a secret word, or
 * its plural (`cookies`), so `tokenExpiresAt` still logs. The whole value goes, whatever it is
 * (a header's array, an object, a Buffer); null stays null. `number` is the account number
 * inside TrueLayer's `account_number` object.
 */
const SECRET_KEY = new RegExp(`(${SECRET_WORDS})s?$|^number$`, "i");
/** Bearer and Basic credentials and JWTs that slip into free text (error messages, headers written out). */
const SECRET_TEXT = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+|\b(Basic\s+)[A-Za-z0-9+/]{8,}={0,2}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
/**
 * A secret-named pair in a query string or form body (`?client_secret=…&refresh_token=…`), and
 * an OAuth `code`. The name starts where a word does, so a long run of letters is scanned once.
 */
const SECRET_PAIR = new RegExp(`([?&]code|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]*(?:${SECRET_WORDS}))=[^&\\s"'#;,]+`, "gi");
/** A secret-named member of JSON held as text (a response body in an error): `"access_token": "…"`. */
const SECRET_JSON = new RegExp(`("[A-Za-z0-9_-]*(?:${SECRET_WORDS})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, "gi");
export const REDACTED = "[REDACTED]";

function scrubText(text: string): string {
  return text
    .replace(SECRET_JSON, `$1"${REDACTED}"`)
    .replace(SECRET_PAIR, `$1=${REDACTED}`)
    .replace(SECRET_TEXT, (_m, bearer?: string, basic?: string) => `${bearer ?? basic ?? ""}${REDACTED}`);
}

/** Deep copy of `value` with secret fields and token-looking text replaced. */
export function scrub(value: unknown, depth = 0): unknown {
  if (depth > 8) return "[DEPTH]";
  if (typeof value === "string") return scrubText(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  // Its own fields are none: copied like an object it would log as {}, not as its time.
  if (value instanceof Date) return value;
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.name, message: scrub(value.message) };
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : scrub(v, depth + 1);
    if (value.stack) out.stack = scrub(value.stack);
    return out;
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined ? REDACTED : scrub(v, depth + 1);
    }
    return out;
  }
  return value;
}

/**
 * The project's logger: JSON lines with `service` on each, secrets scrubbed from fields at any
 * depth and from messages. `destination` is for tests that read what was written.
 *
 * @example
 * const log = createLogger("sync-worker");
 * log.info({ connectionId, accessToken }, "refreshed"); // accessToken → "[REDACTED]"
 */
export function createLogger(service: string, options: { level?: string; destination?: { write(line: string): void } } = {}): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? "info",
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
    serializers: { err: (e: unknown) => scrub(e) },
    hooks: {
      logMethod(args, method) {
        // Messages are free text: scrub token-shaped substrings there too, and the values a
        // message interpolates (`%s`, `%j`). An Error logged without a message has its message
        // written as `msg` by pino past the formatters: hand it over scrubbed.
        const [first, ...rest] = args as unknown[];
        const message = first instanceof Error && typeof rest[0] !== "string" ? [scrub(first.message)] : [];
        const scrubbed = [typeof first === "string" ? scrub(first) : first, ...message, ...rest.map((a) => scrub(a))];
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
  const capture = captureStream();
  if (!capture) return scrubbingChildren(options.destination ? pino(opts, options.destination) : pino(opts));
  // Tests: every line at every level also goes to the capture file (what the log scan reads),
  // while the logger's own destination still gets only its level.
  const level = String(opts.level);
  const streams: pino.StreamEntry[] = [{ level: "trace", stream: capture }];
  if (level !== "silent") streams.push({ level: level as pino.Level, stream: options.destination ?? pino.destination(1) });
  return scrubbingChildren(pino({ ...opts, level: "trace" }, pino.multistream(streams)));
}

/**
 * A child's bindings are written on each of its lines past the formatters (pino gives children
 * no bindings formatter of the root's): scrubbed here as they are bound. Children are created
 * from their parent's prototype, so one override covers every generation.
 */
function scrubbingChildren(root: Logger): Logger {
  const child = root.child;
  root.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, scrub(bindings) as typeof bindings, childOptions);
  } as Logger["child"];
  return root;
}

let captured: { path: string; stream: pino.DestinationStream } | undefined;

/**
 * The file named by `EXPENZEZ_LOG_CAPTURE` (set by the shared test set-up), opened once per
 * process for appending with synchronous writes, so no line is lost when a test process exits.
 */
function captureStream(): pino.DestinationStream | undefined {
  const path = process.env.EXPENZEZ_LOG_CAPTURE;
  if (!path) return undefined;
  if (captured?.path !== path) captured = { path, stream: pino.destination({ dest: path, append: true, sync: true, mkdir: true }) };
  return captured.stream;
}

export * from "./correlation";
export * from "./metrics";
