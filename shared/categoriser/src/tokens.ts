/** Longer descriptions are noise for categorisation and cost time; real ones are < 140 chars. */
const MAX_LENGTH = 256;
const NON_ASCII = /[^\x20-\x7e]/;
const DIACRITICS = /[\u0300-\u036f]/g;
const APOSTROPHES = /['’`]/g;

/**
 * Upper-case ASCII tokens of a description: apostrophes dropped (SAINSBURY'S → SAINSBURYS),
 * accents folded (CAFÉ → CAFE), everything else but letters, digits and `&` splits. One pass over
 * the characters: this runs for every transaction.
 */
export function tokenise(text: unknown): string[] {
  if (typeof text !== "string" || text.length === 0) return [];
  let s = text.length > MAX_LENGTH ? text.slice(0, MAX_LENGTH) : text;
  if (NON_ASCII.test(s)) s = s.normalize("NFKD").replace(DIACRITICS, "");
  s = s.toUpperCase();
  if (s.includes("'") || s.includes("`") || s.includes("\u2019")) s = s.replace(APOSTROPHES, "");
  const out: string[] = [];
  let start = -1;
  let ampersands = false;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 32;
    if ((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 38) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      const token = s.slice(start, i);
      if (token === "&") ampersands = true;
      out.push(token);
      start = -1;
    }
  }
  return ampersands ? joinAmpersands(out) : out;
}

const isLetter = (token: string | undefined) => token !== undefined && token.length === 1 && token >= "A" && token <= "Z";

/**
 * A lone `&` between single letters is part of the name (`B & M` is `B&M`, `M & S` is `M&S`,
 * as statements also print them without spaces); elsewhere (`HOLLAND & BARRETT`) it is dropped.
 */
function joinAmpersands(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t !== "&") {
      out.push(t);
      continue;
    }
    if (isLetter(out.at(-1)) && isLetter(tokens[i + 1])) {
      out[out.length - 1] = `${out.at(-1)}&${tokens[i + 1]}`;
      i++;
    }
  }
  return out;
}

/** Store numbers, dates, card suffixes, references: tokens with two or more digits. */
export function isNumericNoise(token: string): boolean {
  let digits = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++digits >= 2) return true;
  }
  return digits === token.length; // a lone digit
}
