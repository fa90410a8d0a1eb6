import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// Docker is not available here, so this checks the file's content rather than running it.
const composePath = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docker-compose.yml");

describe("docker-compose.yml (LocalStack)", () => {
  it("runs the pinned LocalStack with every service the provisioner uses, on 4566, with a health check", () => {
    // Act
    const compose = parse(readFileSync(composePath, "utf8"));
    const localstack = compose.services.localstack;
    // Assess: 4.14.0 is the last tag that starts without an auth token.
    expect(localstack.image).toBe("localstack/localstack:4.14.0");
    expect(String(localstack.environment.SERVICES).split(",").sort()).toEqual(["dynamodb", "events", "kms", "sqs"]);
    expect(localstack.ports).toContain("127.0.0.1:4566:4566");
    expect(localstack.healthcheck.test.join(" ")).toContain("/_localstack/health");
  });
});
