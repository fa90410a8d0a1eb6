/**
 * Bank text made storable. DynamoDB refuses strings that are not valid UTF-8 (a lone UTF-16
 * surrogate cannot be encoded) and items over 400 KB; control characters break logs and the
 * app. Limits are in UTF-16 code units, far above any real description.
 */
export const TEXT_LIMITS = {
  description: 1024,
  /** Merchant names, provider categories and classification entries. */
  name: 256,
  /** Provider ids kept on the item (our id is a hash, so a longer one is simply not kept). */
  id: 256,
  classifications: 5,
} as const;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 controls (tab, newline included: a description is one line), DEL and C1 controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]+/g;

/**
 * Replaces lone surrogates with U+FFFD and runs of control characters with one space, then
 * cuts to `max` code units without splitting a surrogate pair.
 *
 * @example boundedText("CAFE\u0000 \uD800NERO", 100) // "CAFE  \uFFFDNERO"
 */
export function boundedText(text: string, max: number): string {
  let clean = text.replace(LONE_SURROGATE, "\uFFFD").replace(CONTROL, " ");
  if (clean.length > max) {
    const cut = clean.charCodeAt(max - 1);
    clean = clean.slice(0, cut >= 0xd800 && cut <= 0xdbff ? max - 1 : max);
  }
  return clean;
}

/**
 * A bank id as we may keep it on an item: itself when it is at most `TEXT_LIMITS.id` long and
 * encodes as UTF-8 (DynamoDB refuses a lone surrogate), else nothing. Ids are never rewritten:
 * a changed id would name another transaction.
 *
 * @example storableId("txn-1") // "txn-1"
 * @example storableId("\uD800") // undefined
 */
export function storableId(id: string | undefined): string | undefined {
  if (id === undefined || id.length === 0 || id.length > TEXT_LIMITS.id) return undefined;
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(id) ? undefined : id;
}
