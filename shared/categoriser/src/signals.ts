import type { Direction } from "./direction";
import type { Secondary } from "./taxonomy";

/**
 * The bank's own `transaction_category` where it alone decides the category: cash machines,
 * fees, interest (income when it is paid to the user, a charge when it is taken).
 *
 * @example bankSignal("INTEREST", "CREDIT") // "income/interest"
 */
export function bankSignal(category: unknown, direction: Direction): Secondary | undefined {
  switch (category) {
    case "ATM":
      return "cash/atm";
    case "CASHBACK":
      return "cash/cashback";
    case "FEE_CHARGE":
      return "fees_and_charges/bank_fees";
    case "INTEREST":
      return direction === "CREDIT" ? "income/interest" : "fees_and_charges/interest_charges";
    case "DIVIDEND":
      return "income/other_income";
    default:
      return undefined;
  }
}

/** Codes banks print first for a cash-machine withdrawal: Link network, Lloyds/Halifax cashpoint. */
const CASH_MACHINE_CODES = new Set(["LNK", "CPT", "ATM"]);

/**
 * A withdrawal the bank marked as such in the description itself, when its `transaction_category`
 * does not say ATM: `LNK TESCO EXTRA` is cash from the machine in a Tesco, not groceries.
 *
 * @example cashMachineSignal(["LNK", "TESCO", "EXTRA"], "DEBIT") // "cash/atm"
 */
export function cashMachineSignal(tokens: readonly string[], direction: Direction): Secondary | undefined {
  return direction === "DEBIT" && tokens.length > 0 && CASH_MACHINE_CODES.has(tokens[0]!) ? "cash/atm" : undefined;
}
