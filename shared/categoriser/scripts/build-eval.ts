/**
 * Builds data/eval.jsonl from the hand-written data/eval-source.txt: adds amounts, accounts,
 * dates, the bank's transaction_category, and for part of it the TrueLayer classification and
 * an MCC a bank would send; adds pairs of transfers between the user's own accounts.
 *
 *   pnpm --filter @expenzez/categoriser run eval:build
 *
 * With `--generalisation` it builds data/generalisation.jsonl from data/generalisation-source.txt
 * instead (seed 9101, no transfer pairs), leaving out and listing any row whose merchant the hand
 * dictionary knows or whose merchant part occurs in the training corpus: that set measures the
 * categoriser on merchants it was not built from. `--calibration` builds data/calibration.jsonl
 * from data/calibration-source.txt the same way (seed 9201), also leaving out the evaluation set's
 * merchants: scripts/train.ts measures step confidences on it. `--dev` builds data/dev.jsonl from
 * data/dev-source.txt (seed 9401), leaving out every other hand-written set's merchants too: the
 * set session-5 variants were chosen on. `--independent` builds data/independent.jsonl from
 * data/independent-source.txt (seed 9501), leaving out every other set's merchants: written by
 * someone who had read none of the categoriser, it is measured, never tuned against. `--dev2`
 * builds data/dev2.jsonl from data/dev2-source.txt (seed 9601): session 6's set for choosing
 * variants; a row it shares with another hand-written set is counted, not named, so building it
 * shows nothing of the independent set's rows. `--independent2` builds data/independent2.jsonl
 * (seed 9701) from session 6's second sample written by someone who had read none of the
 * categoriser, apart from every set above, the second dev set included.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { findMerchant } from "../src/merchants";
import { merchantKey, merchantTokens } from "../src/normalise";
import { isSecondary, type Primary, primaryOf, type Secondary } from "../src/taxonomy";
import type { CategorisableTransaction } from "../src/types";
import { generateCorpus, TRAIN_SEED, TRAIN_SIZE } from "./corpus";
import { chance, int, pick, prng } from "./prng";
import { classificationFor, mccFor } from "./signals-for";

/** Each hand-written set: its flag, seed, files, id prefix, and the other sets whose merchants it must not share. */
const SETS = {
  "--generalisation": { seed: 9101, source: "generalisation-source.txt", out: "generalisation.jsonl", prefix: "gen", apart: [] },
  "--calibration": { seed: 9201, source: "calibration-source.txt", out: "calibration.jsonl", prefix: "cal", apart: ["generalisation"] },
  "--holdout": { seed: 9301, source: "holdout-source.txt", out: "holdout.jsonl", prefix: "hold", apart: ["generalisation", "calibration"] },
  "--dev": { seed: 9401, source: "dev-source.txt", out: "dev.jsonl", prefix: "dev", apart: ["generalisation", "calibration", "holdout"] },
  // Written by someone who read none of the categoriser (data/independent-source.txt's header).
  "--independent": {
    seed: 9501,
    source: "independent-source.txt",
    out: "independent.jsonl",
    prefix: "ind",
    apart: ["generalisation", "calibration", "holdout", "dev"],
  },
  // Session 6's second dev set: kept apart from every set above, the independent one included.
  "--dev2": {
    seed: 9601,
    source: "dev2-source.txt",
    out: "dev2.jsonl",
    prefix: "dev2",
    apart: ["generalisation", "calibration", "holdout", "dev", "independent"],
  },
  // Session 6's second independent sample (data/independent2-source.txt's header): measured, never tuned against.
  "--independent2": {
    seed: 9701,
    source: "independent2-source.txt",
    out: "independent2.jsonl",
    prefix: "ind2",
    apart: ["generalisation", "calibration", "holdout", "dev", "independent", "dev2"],
  },
} as const;
const chosen = Object.entries(SETS).find(([flag]) => process.argv.includes(flag))?.[1];
/** The hand-written sets of merchants the categoriser was not built from are checked the same way. */
const generalisation = chosen !== undefined;
const { seed: SEED, source: SOURCE, out: OUT_FILE, prefix: ID_PREFIX } = chosen ?? { seed: 9001, source: "eval-source.txt", out: "eval.jsonl", prefix: "eval" };
/** The merchant keys of a hand-written source file. */
const sourceMerchants = (file: string) =>
  readFileSync(new URL(`../data/${file}`, import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#") && !l.startsWith("@"))
    .map((l) => merchantKey(merchantTokens(l.replace(/^\+/, "").split("||")[0]).join(" ")));
/** A set shares no merchant with the sets written before it. */
const evaluationMerchants = new Set((chosen?.apart ?? []).flatMap((name: string) => sourceMerchants(`${name}-source.txt`)));
/** The training corpus's merchant parts (same seed and size as scripts/train.ts). */
const corpusMerchants = generalisation
  ? new Set(generateCorpus(prng(TRAIN_SEED), TRAIN_SIZE).map((e) => merchantKey(merchantTokens(e.tx.description ?? "").join(" "))))
  : new Set<string>();
const left: string[] = [];
/** Rows left out because another hand-written set has their merchant: counted only (the independent set is read in aggregate). */
let sharedWithAnotherSet = 0;
const rand = prng(SEED);
export const OWN_ACCOUNTS = ["acc-current", "acc-savings", "acc-monzo"];

const AMOUNTS: Partial<Record<Primary, [number, number]>> = {
  income: [20, 3500],
  housing: [90, 1800],
  bills_and_utilities: [5, 140],
  groceries: [2, 130],
  food_and_drink: [3, 90],
  transport: [2, 90],
  travel: [40, 900],
  savings_and_investments: [20, 800],
  taxes: [150, 4000],
  transfers: [10, 500],
  cash: [10, 200],
  fees_and_charges: [1, 30],
};
const BILL_LIKE: Primary[] = ["bills_and_utilities", "insurance", "housing", "savings_and_investments", "gifts_and_donations"];

interface EvalRow extends CategorisableTransaction {
  transactionId: string;
  accountId: string;
  timestamp: string;
  label: { primary: Primary; secondary: Secondary };
}

let n = 0;
const rows: EvalRow[] = [];
const time = () => new Date(Date.UTC(2026, int(rand, 0, 9), int(rand, 1, 28), int(rand, 6, 22), int(rand, 0, 59))).toISOString();
const money = (p: Primary) => {
  const [lo, hi] = AMOUNTS[p] ?? [3, 120];
  return Math.round((lo + rand() * (hi - lo)) * 100) / 100;
};

function bankCategory(description: string, label: Secondary, credit: boolean): string {
  const d = description.toUpperCase();
  if (/^(DD |DIRECT DEBIT)/.test(d)) return "DIRECT_DEBIT";
  if (/^(SO |STANDING ORDER)/.test(d)) return "STANDING_ORDER";
  if (/^(FPO |FASTER PAYMENT|TFR |BP |MOBILE PAYMENT)/.test(d)) return "TRANSFER";
  if (credit) return label === "income/interest" && chance(rand, 0.6) ? "INTEREST" : "CREDIT";
  if (label === "cash/atm" && chance(rand, 0.6)) return "ATM";
  if (label.startsWith("fees_and_charges/") && chance(rand, 0.6)) return "FEE_CHARGE";
  if (BILL_LIKE.includes(primaryOf(label)) && chance(rand, 0.8)) return "DIRECT_DEBIT";
  return "PURCHASE";
}

let label: Secondary | undefined;
for (const raw of readFileSync(new URL(`../data/${SOURCE}`, import.meta.url), "utf8").split("\n")) {
  const line = raw.trim();
  if (line === "" || line.startsWith("#")) continue;
  if (line.startsWith("@")) {
    const s = line.slice(1);
    if (!isSecondary(s)) throw new Error(`unknown category ${s}`);
    label = s;
    continue;
  }
  if (!label) throw new Error("line before any @category");
  const credit = line.startsWith("+");
  const [description, merchantName] = (credit ? line.slice(1) : line).split("||").map((s) => s.trim());
  if (generalisation) {
    const part = merchantTokens(description);
    if (findMerchant(part) || (merchantName && findMerchant(merchantTokens(merchantName)))) {
      left.push(`${description} (the dictionary knows it)`);
      continue;
    }
    if (corpusMerchants.has(merchantKey(part.join(" ")))) {
      left.push(`${description} (in the training corpus)`);
      continue;
    }
    if (evaluationMerchants.has(merchantKey(part.join(" ")))) {
      sharedWithAnotherSet++;
      continue;
    }
  }
  const primary = primaryOf(label);
  const category = bankCategory(description!, label, credit);
  const amount = money(primary);
  // A fifth of purchases are on a credit card, where TrueLayer sends debits as positive amounts.
  const onCard = !credit && category === "PURCHASE" && chance(rand, 0.2);
  const tx: EvalRow = {
    transactionId: `${ID_PREFIX}-${String(++n).padStart(4, "0")}`,
    accountId: onCard ? "card-amex" : "acc-current",
    timestamp: time(),
    description: description!,
    amount: credit || onCard ? amount : -amount,
    currency: "GBP",
    transaction_type: credit ? "CREDIT" : "DEBIT",
    transaction_category: category,
    label: { primary, secondary: label },
  };
  if (merchantName) tx.merchant_name = merchantName;
  if (chance(rand, 0.8)) {
    const c = classificationFor(rand, label, 0.03);
    if (c) tx.transaction_classification = c;
  }
  if (category === "PURCHASE" && chance(rand, 0.15)) {
    const mcc = mccFor(rand, label, 0.05);
    if (mcc !== undefined) tx.meta = { mcc: String(mcc).padStart(4, "0") };
  }
  rows.push(tx);
}

// Moves between the user's own accounts: generic wording, only the pairing tells them apart.
const OUT = ["TFR TO A/C 41234567", "ONLINE TRANSFER REF 88123", "TO SAVINGS 20-11-22", "MOBILE BANKING TRANSFER", "TRANSFER 5512 0091"];
const IN = ["TFR FROM A/C 11223344", "ONLINE TRANSFER REF 88123", "FROM CURRENT ACCOUNT", "TRANSFER IN", "INTERNAL TRANSFER"];
for (let i = 0; i < (generalisation ? 0 : 24); i++) {
  const amount = money("transfers");
  const [from, to] = chance(rand, 0.5) ? [OWN_ACCOUNTS[0]!, pick(rand, OWN_ACCOUNTS.slice(1))] : [pick(rand, OWN_ACCOUNTS.slice(1)), OWN_ACCOUNTS[0]!];
  const at = Date.parse(time());
  const lag = int(rand, 0, 20) * 60 * 60 * 1000;
  const label = { primary: "transfers" as const, secondary: "transfers/own_accounts" as const };
  const base = { currency: "GBP", transaction_category: "TRANSFER", label };
  rows.push({
    ...base,
    transactionId: `eval-${String(++n).padStart(4, "0")}`,
    accountId: from,
    timestamp: new Date(at).toISOString(),
    description: pick(rand, OUT),
    amount: -amount,
    transaction_type: "DEBIT",
  });
  rows.push({
    ...base,
    transactionId: `eval-${String(++n).padStart(4, "0")}`,
    accountId: to,
    timestamp: new Date(at + lag).toISOString(),
    description: pick(rand, IN),
    amount,
    transaction_type: "CREDIT",
  });
}

// Deterministic shuffle so categories are not in blocks.
for (let i = rows.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [rows[i], rows[j]] = [rows[j]!, rows[i]!];
}
writeFileSync(new URL(`../data/${OUT_FILE}`, import.meta.url), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
console.log(`wrote ${rows.length} evaluation transactions to data/${OUT_FILE} (seed ${SEED})`);
for (const l of left) console.log(`left out: ${l}`);
if (sharedWithAnotherSet > 0) console.log(`left out: ${sharedWithAnotherSet} rows whose merchant another hand-written set has`);
