import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it, onTestFinished } from "vitest";
import { createSandboxAdmin } from "../src/index";

describe("cli", () => {
  it("starts from a JSON config file on the given port and logs where it listens", async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "tl-sandbox-"));
    const configPath = join(dir, "sandbox.json");
    writeFileSync(configPath, JSON.stringify({ users: [{ user_id: "alice", accounts: 3 }], defaults: { access_token_ttl_seconds: 600 } }));
    // One node process (not the tsx wrapper), so stopping it needs one signal.
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "--", "--port", "0", "--seed", "cli", "--config", configPath], {
      cwd: join(import.meta.dirname, ".."),
      stdio: ["ignore", "pipe", "inherit"],
    });
    onTestFinished(async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    });
    // Act
    const firstLine = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once("line", resolve));
    const { url, msg } = JSON.parse(firstLine) as { url: string; msg: string };
    const admin = createSandboxAdmin(url);
    const alice = await admin.getUser("alice");
    const tokens = await admin.authorise("alice");
    // Assess
    expect(msg).toBe("TrueLayer simulator listening");
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(alice.accounts.filter((a) => a.kind !== "card")).toHaveLength(3);
    expect(tokens.expires_in).toBe(600);
  });
});
