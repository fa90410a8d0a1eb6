import { describe, expect, it } from "vitest";
import { bindCorrelationId, createLogger, REDACTED } from "../src/index";

function capture() {
  const lines: string[] = [];
  const log = createLogger("test", { level: "debug", destination: { write: (l) => lines.push(l) } });
  return { log, lines, text: () => lines.join("") };
}

describe("createLogger", () => {
  it("redacts tokens, account numbers, sort codes and IBANs at any depth", () => {
    const { log, text, lines } = capture();
    log.info(
      {
        accessToken: "at-123",
        client_secret: "cs-789",
        headers: { Authorization: "Basic abc" },
        connection: { refresh_token: "rt-456", account: { account_number: { number: "12345678", sort_code: "01-02-03", iban: "GB33BUKB20201555555555" } } },
        sortCode: "40-11-22",
      },
      "synced",
    );
    for (const secret of ["at-123", "cs-789", "Basic abc", "rt-456", "12345678", "01-02-03", "GB33BUKB20201555555555", "40-11-22"]) {
      expect(text()).not.toContain(secret);
    }
    const entry = JSON.parse(lines[0]!);
    expect(entry.accessToken).toBe(REDACTED);
    expect(entry.connection.account.account_number).toBe(REDACTED);
    expect(entry.service).toBe("test");
    expect(entry.msg).toBe("synced");
  });

  it("scrubs bearer tokens and JWTs from messages and errors", () => {
    const { log, text } = capture();
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl";
    log.warn("request failed: Authorization: Bearer abc.def-ghi");
    log.error({ err: new Error(`upstream said ${jwt}`) }, "boom");
    expect(text()).not.toContain("abc.def-ghi");
    expect(text()).not.toContain(jwt);
    expect(text()).toContain("upstream said");
  });

  it("redacts a secret field whatever its value is: an array (set-cookie, a repeated header), an object, a binary data key", () => {
    const { log, text, lines } = capture();
    log.info(
      {
        headers: { "set-cookie": ["sid=s3ss10n-c00kie; HttpOnly"], authorization: ["Basic dXNlcjpwYXNzd29yZA=="] },
        refreshTokens: ["rt-first-1", "rt-second-2"],
        accessToken: { value: "at-in-object" },
        dataKey: Buffer.from("0123456789abcdef"),
        Plaintext: new Uint8Array([7, 7, 7, 7]),
        accessTokenSealed: null,
      },
      "shapes",
    );
    for (const secret of ["s3ss10n-c00kie", "dXNlcjpwYXNzd29yZA", "rt-first-1", "rt-second-2", "at-in-object", '"0":48']) expect(text()).not.toContain(secret);
    const entry = JSON.parse(lines[0]!);
    expect(entry.headers).toEqual({ "set-cookie": REDACTED, authorization: REDACTED });
    expect(entry.Plaintext).toBe(REDACTED);
    expect(entry.accessTokenSealed).toBeNull(); // absent stays visibly absent
  });

  it("scrubs secrets from query strings, form bodies and JSON held as text (an axios error's config.url and config.data, a message)", () => {
    const { log, text } = capture();
    const err = Object.assign(new Error("Request failed with status code 400"), {
      config: {
        url: "https://auth.truelayer-sandbox.com/connect/token?client_secret=cs-in-query&x=1",
        headers: { Authorization: "Basic Y2xpZW50OnNlY3JldA==", "Content-Type": "application/x-www-form-urlencoded" },
        data: "grant_type=refresh_token&client_id=expenzez&client_secret=cs-in-form&refresh_token=rt-in-form",
      },
      response: { data: '{"access_token":"at-in-json","refresh_token": "rt-in-json","token_type":"Bearer"}' },
    });
    log.error({ err }, "token refresh failed");
    log.warn("GET /callback?code=auth-code-123&state=s1 with access_token=at-in-message failed");
    log.warn({ detail: "sent Authorization: Basic dXNlcjpwYXNzd29yZA== to the token endpoint" }, "basic auth in free text");
    for (const secret of [
      "cs-in-query",
      "cs-in-form",
      "rt-in-form",
      "at-in-json",
      "rt-in-json",
      "auth-code-123",
      "at-in-message",
      "Y2xpZW50OnNlY3JldA",
      "dXNlcjpwYXNzd29yZA",
    ])
      expect(text()).not.toContain(secret);
    expect(text()).toContain("grant_type=refresh_token&client_id=expenzez");
    expect(text()).toContain("state=s1");
  });

  it("redacts the other credentials a process holds by name: a service account's private key, an AWS secret access key", () => {
    const { log, text } = capture();
    log.info(
      {
        serviceAccount: { client_email: "push@expenzez.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----\nMIIEv", private_key_id: "kid-1" },
        credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "aws-secret-access-key-1" },
      },
      "config",
    );
    for (const secret of ["BEGIN PRIVATE KEY", "aws-secret-access-key-1"]) expect(text()).not.toContain(secret);
    expect(text()).toContain("push@expenzez.iam.gserviceaccount.com");
  });

  it("scrubs the message pino takes from an Error logged without one, and objects interpolated into a message", () => {
    const { log, lines } = capture();
    log.error(new Error("upstream said Bearer abc.def-ghi and refresh_token=rt-in-msg"));
    log.info("token response %j", { access_token: "at-in-format", expires_in: 3600 });
    const [first, second] = lines.map((l) => JSON.parse(l));
    expect(first.msg).toBe(`upstream said Bearer ${REDACTED} and refresh_token=${REDACTED}`);
    expect(second.msg).toBe(`token response {"access_token":"${REDACTED}","expires_in":3600}`);
  });

  it("scrubs a child logger's bound fields, which pino writes on every line past the formatters", () => {
    const { log, text, lines } = capture();
    log.child({ connectionId: "c1", refreshToken: "rt-bound-1" }).child({ note: "sent Bearer abc.def-bound" }).info("bound");
    expect(text()).not.toContain("rt-bound-1");
    expect(text()).not.toContain("abc.def-bound");
    expect(JSON.parse(lines[0]!)).toMatchObject({ connectionId: "c1", refreshToken: REDACTED });
  });

  it("keeps ordinary fields", () => {
    const { log, lines } = capture();
    log.info({ connectionId: "c1", count: 3, tokenExpiresAt: "2026-11-25T10:00:00Z", sortCodeMasked: false }, "ok");
    expect(JSON.parse(lines[0]!)).toMatchObject({ connectionId: "c1", count: 3, tokenExpiresAt: "2026-11-25T10:00:00Z" });
  });

  it("logs a Date as its time, not as an empty object", () => {
    const { log, lines } = capture();
    log.info({ nextSyncAt: new Date("2026-11-25T10:00:00Z"), window: { from: new Date("2026-11-01T00:00:00Z") } }, "scheduled");
    expect(JSON.parse(lines[0]!)).toMatchObject({ nextSyncAt: "2026-11-25T10:00:00.000Z", window: { from: "2026-11-01T00:00:00.000Z" } });
  });
});

describe("bindCorrelationId", () => {
  it("binds a correlation id once: a logger that has one keeps it and writes the key once", () => {
    const { log, lines } = capture();
    bindCorrelationId(log, "corr-1").info("first");
    bindCorrelationId(bindCorrelationId(log, "corr-1"), "corr-2").info("second");
    bindCorrelationId(log, undefined).info("third");
    const [first, second, third] = lines.map((l) => JSON.parse(l));
    expect(first.correlationId).toBe("corr-1");
    expect(second.correlationId).toBe("corr-1");
    expect(lines[1]!.match(/"correlationId":/g)).toHaveLength(1);
    expect(third.correlationId).toBeUndefined();
  });
});
