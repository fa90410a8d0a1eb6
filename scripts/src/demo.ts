// The local demo: every piece built so far, wired together against the local AWS emulator and
// the TrueLayer simulator. The sync worker and the consumers (later issues) will replace the
// hand-driven steps 4-6 with the real pipeline; until then this shows the parts work together.
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { createAwsClients } from "@expenzez/aws";
import { type Categorisation, categoriseBatch } from "@expenzez/categoriser";
import { assertEmulatorStage, runMain } from "@expenzez/config";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories, keys } from "@expenzez/db";
import { provision, stackDefinition } from "@expenzez/infra";
import { withEmulator } from "@expenzez/local-aws";
import { createLogger } from "@expenzez/logger";
import { formatMoney } from "@expenzez/money";
import { createTrueLayerClient, type Transaction } from "@expenzez/truelayer";
import { startSandbox } from "@expenzez/truelayer-sandbox";

const stage = process.env.STAGE ?? "local";
const region = process.env.AWS_REGION ?? "eu-west-2";
const demoUser = process.env.DEMO_USER ?? "john";
const historyDays = 90;
const log = createLogger("demo", { level: process.env.LOG_LEVEL ?? "warn" });
const step = (n: number, text: string) => console.log(`\n[${n}/7] ${text}`);
const started = Date.now();

await runMain(async () => {
  assertEmulatorStage();
  await withEmulator(async (emulator) => {
    step(1, `local AWS emulator at ${emulator.endpoint}${emulator.owned ? " (moto, started for this run; stops at the end)" : ""}`);
    const aws = createAwsClients({ region, endpoint: emulator.endpoint });
    const def = stackDefinition(stage);

    step(2, `provisioning stage "${stage}" from infra/src/resources.ts`);
    const { changes, handles } = await provision(aws, def);
    const created = changes.filter((c) => c.action !== "unchanged").length;
    console.log(`    ${changes.length} resources (${created} created or updated): table ${handles.tableName} with GSI1-GSI4,`);
    console.log(
      `    ${Object.keys(handles.queues).length} queues each with a DLQ, bus ${handles.busName} with ${def.rules.length} rules, KMS key ${def.key.alias}`,
    );

    step(3, "TrueLayer simulator on loopback");
    const sandbox = await startSandbox({ seed: "demo", logger: log });
    try {
      console.log(`    auth ${sandbox.authUrl}   data ${sandbox.dataUrl}`);
      const truelayer = createTrueLayerClient({
        authBaseUrl: sandbox.authUrl,
        dataBaseUrl: sandbox.dataUrl,
        clientId: "sandbox-client",
        clientSecret: "sandbox-secret",
        logger: log,
      });

      step(4, `connecting "${demoUser}": tokens stored with envelope encryption (KMS data key + AES-256-GCM)`);
      const tokens = await truelayer.exchangeCode(demoUser, "http://localhost/callback");
      const db = { doc: aws.doc, tableName: handles.tableName };
      const repos = createRepositories(db, createFieldEncryptor({ kms: aws.kms, keyId: handles.keyId }));
      const now = new Date().toISOString();
      const connectionId = `conn-${demoUser}`;
      await repos.connections.putNew({
        userId: demoUser,
        connectionId,
        providerId: "mock",
        status: "active",
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        tokenExpiresAt: tokens.expiresAt.toISOString(),
        consentExpiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString(),
        nextSyncAt: now,
        createdAt: now,
        updatedAt: now,
      });
      const raw = (await aws.doc.send(new GetCommand({ TableName: handles.tableName, Key: keys.connection(demoUser, connectionId) }))).Item ?? {};
      const leaked = [tokens.accessToken, tokens.refreshToken].some((t) => JSON.stringify(raw).includes(t));
      console.log(`    raw item accessToken = ${String(raw.accessToken).slice(0, 24)}…  plaintext token in the item: ${leaked ? "YES (bug!)" : "no"}`);
      const due = await repos.connections.listAllDue(new Date(Date.now() + 1000).toISOString());
      console.log(`    due for sync (GSI4, 16 shards): ${due.map((d) => d.connectionId).join(", ") || "none"}`);

      step(5, `fetching accounts, cards, balances and ${historyDays} days of transactions through the client`);
      const ctx = { accessToken: tokens.accessToken, connectionId, correlationId: `demo-${Date.now()}` };
      const to = new Date();
      const range = { from: new Date(to.getTime() - historyDays * 86_400_000).toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
      const [accounts, cards] = await Promise.all([truelayer.getAccounts(ctx), truelayer.getCards(ctx)]);
      const fetched: (Transaction & { accountId: string })[] = [];
      for (const a of accounts) {
        const [balance, booked, pending] = await Promise.all([
          truelayer.getBalance(ctx, a.account_id),
          truelayer.getTransactions(ctx, a.account_id, range),
          truelayer.getPendingTransactions(ctx, a.account_id),
        ]);
        console.log(
          `    ${a.display_name.padEnd(24)} ${formatMoney(balance.current_minor, balance.currency).padStart(12)}   ${booked.length} booked, ${pending.length} pending`,
        );
        fetched.push(...booked.map((t) => ({ ...t, accountId: a.account_id })));
      }
      for (const c of cards) {
        const [balance, booked, pending] = await Promise.all([
          truelayer.getCardBalance(ctx, c.account_id),
          truelayer.getCardTransactions(ctx, c.account_id, range),
          truelayer.getCardPendingTransactions(ctx, c.account_id),
        ]);
        console.log(
          `    ${c.display_name.padEnd(24)} ${formatMoney(balance.current_minor, balance.currency).padStart(12)}   ${booked.length} booked, ${pending.length} pending`,
        );
        fetched.push(...booked.map((t) => ({ ...t, accountId: c.account_id })));
      }
      const requests = (await sandbox.admin.requests()).length;
      console.log(
        `    ${fetched.length} booked transactions in ${requests} HTTP requests (${(requests / Math.max(1, fetched.length)).toFixed(3)} requests per transaction)`,
      );

      step(6, "categorising (user rules → bank signals → merchants → classification/MCC → model → other)");
      const results: Categorisation[] = categoriseBatch(fetched, { ownAccounts: [...accounts, ...cards].map((a) => a.account_id) });
      const byCategory = new Map<string, { count: number; outMinor: number }>();
      results.forEach((r, i) => {
        const t = fetched[i]!;
        const row = byCategory.get(r.category.primary) ?? { count: 0, outMinor: 0 };
        row.count++;
        if (t.signed_amount_minor < 0) row.outMinor -= t.signed_amount_minor; // exact pence, no float sums
        byCategory.set(r.category.primary, row);
      });
      for (const [primary, row] of [...byCategory].sort((a, b) => b[1].outMinor - a[1].outMinor)) {
        console.log(`    ${primary.padEnd(24)} ${String(row.count).padStart(4)} tx   out ${formatMoney(row.outMinor).padStart(12)}`);
      }
      const confident = results.filter((r) => r.category.confidence >= 0.9).length;
      console.log(`    ${confident} of ${results.length} categorised with confidence >= 0.9`);

      step(7, "summary");
      console.log(`    stack: ${changes.length} resources on ${emulator.endpoint}; connection stored encrypted and due in GSI4`);
      console.log(`    TrueLayer: ${accounts.length} accounts + ${cards.length} cards, ${fetched.length} transactions, ${requests} requests`);
      console.log(`    categories: ${byCategory.size} primaries used; finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log("    next: the sync worker, budget/recurring/alert consumers (later issues) turn steps 4-6 into the event-driven pipeline");
    } finally {
      await sandbox.stop();
    }
  });
});
