import { readFileSync } from "node:fs";
import { isSecondary, type Secondary } from "./taxonomy";

/**
 * Words in business names that say what the business is (`PATELS BUTCHERS`, `KINGS CROSS
 * DENTAL`), with their category and how specific the word is (1: it alone says it, 0.5: a hint).
 * Statement spellings: upper case, no punctuation; plural and possessive forms are listed where
 * statements print them. A reviewed, tested table (test/lexicon.test.ts).
 */
export interface LexiconWord {
  word: string;
  secondary: Secondary;
  weight: number;
}

const W = (secondary: Secondary, weight: number, words: string): LexiconWord[] =>
  words.split(" ").map((word) => ({ word: word.replace(/_/g, " "), secondary, weight }));

export const LEXICON: readonly LexiconWord[] = [
  ...W("groceries/supermarkets", 1, "SUPERMARKET SUPERMARKETS HYPERMARKET SUPERSTORE FOODSTORE"),
  // The regional co-operative societies are mostly food stores (some run funerals, travel, pharmacies).
  ...W("groceries/supermarkets", 0.6, "COOPERATIVE CO_OP CO_OPERATIVE"),
  ...W("groceries/convenience", 1, "NEWSAGENT NEWSAGENTS CONVENIENCE MINIMARKET MINIMART OFFLICENCE OFFIE"),
  ...W("groceries/convenience", 0.6, "NEWS STORES GROCERS GROCERY"),
  ...W("groceries/specialist_food", 1, "BUTCHER BUTCHERS FISHMONGER FISHMONGERS GREENGROCER GREENGROCERS DELI DELICATESSEN CHEESEMONGER HALAL PATISSERIE"),
  ...W("groceries/specialist_food", 0.6, "FARMSHOP ORGANIC WHOLEFOODS MEATS"),
  ...W("food_and_drink/coffee_shops", 1, "CAFE CAFES COFFEE ESPRESSO BAKERY BAKERS BAKEHOUSE TEAROOM TEAROOMS ROASTERS BARISTA"),
  ...W(
    "food_and_drink/restaurants",
    1,
    "RESTAURANT BISTRO TRATTORIA PIZZERIA BRASSERIE STEAKHOUSE TANDOORI TAVERNA RISTORANTE SUSHI RAMEN TAPAS EATERY CANTINA",
  ),
  ...W("food_and_drink/restaurants", 0.6, "KITCHEN GRILL DINER CUISINE NOODLE CURRY"),
  ...W("food_and_drink/takeaway_and_delivery", 1, "TAKEAWAY KEBAB KEBABS CHIPPY"),
  ...W("food_and_drink/takeaway_and_delivery", 0.6, "PIZZA CHIPPIE"),
  ...W("food_and_drink/fast_food", 0.8, "BURGER BURGERS CHICKEN"),
  ...W("food_and_drink/pubs_and_bars", 1, "PUB INN TAVERN ALEHOUSE FREEHOUSE BREWERY TAPROOM NIGHTCLUB"),
  ...W("food_and_drink/pubs_and_bars", 0.6, "BAR ARMS"),
  ...W("transport/fuel", 1, "PETROL FILLING FORECOURT PFS"),
  ...W("transport/fuel", 0.6, "FUEL FUELS"),
  ...W("transport/taxis_and_rideshare", 1, "TAXI TAXIS CABS MINICABS MINICAB CHAUFFEURS"),
  ...W("transport/parking", 1, "PARKING CARPARK"),
  ...W("transport/car_maintenance", 1, "GARAGE TYRES TYRE MOT AUTOCENTRE VALETING BODYWORK"),
  ...W("transport/car_maintenance", 0.6, "MOTORS AUTOS AUTO"),
  // The parts a garage names itself after (`KWIK CLUTCH`, `EXHAUST CENTRE`).
  ...W("transport/car_maintenance", 0.8, "CLUTCH CLUTCHES EXHAUST EXHAUSTS BRAKES GEARBOX GEARBOXES AUTOPARTS"),
  ...W("transport/public_transport", 0.8, "COACHES BUSES RAILWAY"),
  ...W("travel/hotels", 1, "HOTEL HOTELS HOSTEL GUESTHOUSE B&B"),
  ...W("travel/hotels", 0.6, "LODGE"),
  ...W("travel/holidays", 0.8, "HOLIDAYS CARAVAN CAMPSITE"),
  ...W("health_and_fitness/pharmacy", 1, "PHARMACY PHARMACIES CHEMIST CHEMISTS"),
  ...W("health_and_fitness/dental", 1, "DENTAL DENTIST DENTISTS DENTISTRY ORTHODONTICS ORTHODONTIST"),
  ...W("health_and_fitness/optical", 1, "OPTICIANS OPTICIAN OPTOMETRISTS OPTICAL EYECARE"),
  ...W("health_and_fitness/medical", 1, "PHYSIO PHYSIOTHERAPY CHIROPRACTIC CHIROPRACTOR OSTEOPATH OSTEOPATHY PODIATRY CHIROPODIST CLINIC SURGERY HOSPITAL"),
  ...W("health_and_fitness/gym_and_sport", 1, "GYM FITNESS PILATES YOGA CROSSFIT LEISURE BOXING"),
  ...W("health_and_fitness/gym_and_sport", 0.6, "SPORTS STUDIO"),
  ...W("personal_care/hair_and_beauty", 1, "BARBER BARBERS BARBERSHOP HAIRDRESSER HAIRDRESSERS SALON NAILS BEAUTY LASHES BROWS TANNING HAIR"),
  ...W("personal_care/wellbeing", 1, "SPA MASSAGE LAUNDERETTE LAUNDRETTE LAUNDRY CLEANERS"),
  ...W("shopping/pets", 1, "VETS VET VETERINARY PETS GROOMING"),
  ...W("shopping/home_and_garden", 1, "FURNITURE HARDWARE IRONMONGER IRONMONGERS CARPETS FLOORING"),
  ...W("shopping/home_and_garden", 0.8, "GARDEN NURSERIES INTERIORS"),
  ...W("shopping/books_and_stationery", 1, "BOOKS BOOKSHOP BOOKSELLERS STATIONERY STATIONERS"),
  ...W("shopping/clothing", 1, "BOUTIQUE FASHION CLOTHING MENSWEAR WOMENSWEAR JEWELLERS JEWELLERY SHOES"),
  ...W("shopping/electronics", 1, "ELECTRONICS COMPUTERS PHONES"),
  ...W("shopping/general", 0.6, "GIFTS EMPORIUM TOYS"),
  ...W("gifts_and_donations/gifts", 1, "FLORIST FLORISTS FLOWERS"),
  ...W("gifts_and_donations/charity", 1, "CHARITY CHARITABLE FOUNDATION HOSPICE APPEAL DONATION DONATIONS"),
  // Words charities name themselves with (`DOGS TRUST`, `ROYAL BRITISH LEGION`); TRUST says less (a
  // unit trust), so it decides only as the last word. Not SOCIETY (`THE CHEESE SOCIETY` is a deli, a
  // building society a lender), nor AID or MISSION (`HEARING AID`, a burrito bar).
  ...W("gifts_and_donations/charity", 0.8, "RELIEF RESCUE SANCTUARY LEGION MINISTRIES"),
  ...W("gifts_and_donations/charity", 0.6, "TRUST"),
  ...W("housing/maintenance", 1, "PLUMBING PLUMBER PLUMBERS ELECTRICIAN ELECTRICIANS ELECTRICAL HANDYMAN LOCKSMITH LOCKSMITHS ROOFING GLAZIERS DECORATORS"),
  ...W("education/childcare", 1, "NURSERY CHILDCARE CHILDMINDER PRESCHOOL CRECHE"),
  // A plant nursery sells plants; a day nursery minds children.
  ...W("education/childcare", 1, "DAY_NURSERY DAY_NURSERIES"),
  ...W("education/tuition", 1, "TUTORS TUTOR TUTORING TUITION ACADEMY"),
  ...W("education/courses", 0.8, "SCHOOL LESSONS COURSES DRIVING LEARNING"),
  ...W("entertainment/cinema_and_events", 1, "CINEMA THEATRE TICKETS BOWLING"),
  // Yarn, sewing and craft shops (the OSM presets file them as crafts).
  ...W("entertainment/hobbies", 0.8, "WOOL YARN YARNS KNITTING HABERDASHERY HABERDASHERS CRAFTS"),
  ...W("other/business_services", 0.8, "SOLICITORS ACCOUNTANTS PRINTING STORAGE"),
  // An insurer's name: see INSURER_WORDS (it outranks the other words, which pick the line).
  ...W("insurance/home", 1, "INSURANCE INSURANCES ASSURANCE INSURERS UNDERWRITING UNDERWRITERS"),
  ...W("insurance/home", 0.6, "MUTUAL"),
  // Two-word phrases beat their words (`NAIL BAR` is not a bar, `CAR PARK` not a garage).
  ...W("transport/parking", 1, "CAR_PARK CAR_PARKS PAY_AND_DISPLAY MULTI_STOREY"),
  ...W("transport/fuel", 1, "SERVICE_STATION FILLING_STATION PETROL_STATION EV_CHARGING"),
  ...W("transport/car_maintenance", 1, "CAR_WASH HAND_CAR CAR_CARE"),
  ...W("personal_care/hair_and_beauty", 1, "NAIL_BAR NAILS_BAR NAIL_STUDIO HAIR_SALON BEAUTY_SALON"),
  ...W("shopping/general", 1, "CHARITY_SHOP GIFT_SHOP"),
  ...W("groceries/convenience", 1, "CORNER_SHOP OFF_LICENCE FOOD_AND LOCAL_STORE GENERAL_STORE"),
  ...W("groceries/specialist_food", 1, "FARM_SHOP CHEESE_SHOP"),
  ...W("food_and_drink/takeaway_and_delivery", 1, "FISH_BAR FISH_AND CHINESE_TAKEAWAY TAKE_AWAY"),
  ...W("food_and_drink/pubs_and_bars", 1, "WINE_BAR COCKTAIL_BAR SOCIAL_CLUB"),
  ...W("food_and_drink/coffee_shops", 1, "COFFEE_SHOP TEA_ROOM TEA_ROOMS"),
  ...W("education/courses", 1, "DRIVING_SCHOOL"),
];

/** The weight of a word from the OSM presets: a hint (it decides only as a name's last word); a phrase a little more. */
const PRESET_WORD_WEIGHT = 0.6;
const PRESET_PHRASE_WEIGHT = 0.8;

/**
 * Category words compiled from the en-GB names and terms of the OpenStreetMap presets
 * (`data/preset-words.txt`, built by scripts/build-preset-words.ts from
 * `@openstreetmap/id-tagging-schema`, ISC): `BOOKMAKER`, `DRUGSTORE`, `ESCAPE ROOM`. The hand
 * table's words win; a missing or malformed file leaves the hand table alone.
 */
export function presetWords(text: string): LexiconWord[] {
  const out: LexiconWord[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const [word, secondary] = line.split("|");
    if (!word || !isSecondary(secondary)) continue;
    out.push({ word, secondary, weight: word.includes(" ") ? PRESET_PHRASE_WEIGHT : PRESET_WORD_WEIGHT });
  }
  return out;
}

function readPresetWords(): LexiconWord[] {
  try {
    return presetWords(readFileSync(new URL("../data/preset-words.txt", import.meta.url), "utf8"));
  } catch {
    return [];
  }
}

const byWord = new Map<string, LexiconWord>();
for (const l of [...LEXICON, ...readPresetWords()]) if (!byWord.has(l.word)) byWord.set(l.word, l);
// Statements print plurals the tables list in the singular (`LIGHT CINEMAS`, `NAIL STUDIOS`): the
// same word with a plural S (or -Y as -IES) is the same category, unless the table lists it itself.
for (const l of [...byWord.values()]) {
  const last = l.word.split(" ").at(-1)!;
  if (last.length < 4 || last.endsWith("S")) continue;
  const stem = l.word.slice(0, l.word.length - last.length);
  const plural = last.endsWith("Y") && !/[AEIOU]Y$/.test(last) ? `${last.slice(0, -1)}IES` : `${last}S`;
  if (!byWord.has(stem + plural)) byWord.set(stem + plural, { ...l, word: stem + plural });
}

/** Two-word phrases by first word then second (`NAIL` → `BAR`): looked up without building the pair's text. */
const byPair = new Map<string, Map<string, LexiconWord>>();
for (const [text, l] of byWord) {
  const words = text.split(" ");
  if (words.length !== 2) continue;
  const next = byPair.get(words[0]!) ?? new Map<string, LexiconWord>();
  next.set(words[1]!, l);
  byPair.set(words[0]!, next);
}

/** Words long enough to be read inside a run-together name (`MYTUTOR`, `BEAUTYWORKS`). */
const SUBWORD_MIN = 5;
const SUBWORD_MAX = 12;
/** A word found inside a longer token is weaker evidence than the word on its own. */
const SUBWORD_FACTOR = 0.7;
/**
 * The subwords by their first and by their last SUBWORD_MIN letters, longest first: a token is
 * checked with two lookups instead of a substring per length (this runs for every unknown word).
 */
const subwordsByHead = new Map<string, LexiconWord[]>();
const subwordsByTail = new Map<string, LexiconWord[]>();
{
  const seen = new Set<string>();
  for (const l of LEXICON) {
    if (l.word.length < SUBWORD_MIN || l.word.length > SUBWORD_MAX || l.word.includes(" ") || seen.has(l.word)) continue;
    seen.add(l.word);
    for (const [byKey, key] of [
      [subwordsByHead, l.word.slice(0, SUBWORD_MIN)],
      [subwordsByTail, l.word.slice(-SUBWORD_MIN)],
    ] as const) {
      const list = byKey.get(key) ?? [];
      list.push(l);
      list.sort((a, b) => b.word.length - a.word.length);
      byKey.set(key, list);
    }
  }
}

/** A category word that starts or ends a run-together token, at reduced weight; the longest wins (the start on a tie). */
function subwordHit(token: string): LexiconWord | undefined {
  if (token.length < SUBWORD_MIN + 2) return undefined;
  const room = token.length - 2;
  const head = subwordsByHead.get(token.slice(0, SUBWORD_MIN))?.find((l) => l.word.length <= room && token.startsWith(l.word));
  const tail = subwordsByTail.get(token.slice(-SUBWORD_MIN))?.find((l) => l.word.length <= room && token.endsWith(l.word));
  const hit = head && (!tail || head.word.length >= tail.word.length) ? head : tail;
  return hit && { word: hit.word, secondary: hit.secondary, weight: hit.weight * SUBWORD_FACTOR };
}

/** The category word for a token, if it is one. @example lexiconWord("BUTCHERS")?.secondary // "groceries/specialist_food" */
export function lexiconWord(token: string): LexiconWord | undefined {
  return byWord.get(token);
}

/** Words that say only "a place of business": they do not take a name's last place from the word that names the kind. */
const GENERIC_TRAILING = new Set(["SHOP", "SHOPS", "STORE", "STORES", "CENTRE", "CENTER", "CO", "COMPANY", "LTD", "LIMITED", "UK", "GROUP"]);

/**
 * Words that make a name an insurer's whatever else it names (`PURELY PETS INSURANCE` sells
 * insurance, not pet food); `INS`, the statements' cut of INSURANCE, only as the last word.
 */
const INSURER_WORDS = new Set(["INSURANCE", "INSURANCES", "ASSURANCE", "INSURERS", "UNDERWRITING", "UNDERWRITERS"]);
/** Which line an insurer's other words name (`… PET INSURANCE`, `… MOTOR INSURANCE`); any other is home insurance. */
const INSURANCE_LINES = new Map<string, Secondary>([
  ...["PET", "PETS", "ANIMAL", "ANIMALS", "DOG", "DOGS", "CAT", "CATS", "EQUINE", "HORSE"].map((w) => [w, "insurance/pet"] as const),
  ...["CAR", "CARS", "MOTOR", "MOTORS", "MOTORING", "VAN", "VANS", "BIKE", "MOTORBIKE", "DRIVER", "DRIVERS", "VEHICLE", "AUTO"].map(
    (w) => [w, "insurance/car"] as const,
  ),
  ...["LIFE", "PROTECTION"].map((w) => [w, "insurance/life"] as const),
  ...["HEALTH", "HEALTHCARE", "MEDICAL", "DENTAL"].map((w) => [w, "insurance/health"] as const),
  ...["TRAVEL", "HOLIDAY", "HOLIDAYS"].map((w) => [w, "insurance/travel"] as const),
]);

/** An insurer's name and the line it names, if the name says insurer. */
function insurerCategory(tokens: readonly string[], lastIndex: number): { secondary: Secondary; score: number } | undefined {
  let insurer = tokens[lastIndex] === "INS" && lastIndex > 0;
  let line: Secondary | undefined;
  for (const t of tokens) {
    if (INSURER_WORDS.has(t)) insurer = true;
    line ??= INSURANCE_LINES.get(t);
  }
  return insurer ? { secondary: line ?? "insurance/home", score: 1 } : undefined;
}

/** Below this, a name's words are too weak a hint to decide. */
const MIN_SCORE = 0.6;

/**
 * What a business is from the words in its name: the category with the highest score, each word
 * counting by its specificity and its position (the last word of a name, `PATELS BUTCHERS`, says
 * most; an earlier one, `CAFE ROUGE`, a little less). A category word of five letters or more at
 * the start or end of a run-together last word counts at 0.7 of its weight (`MYTUTOR`).
 *
 * @example lexiconCategory(["KINGS", "CROSS", "DENTAL"]) // { secondary: "health_and_fitness/dental", score: 1 }
 */
export function lexiconCategory(tokens: readonly string[]): { secondary: Secondary; score: number } | undefined {
  let best: Secondary | undefined;
  let bestScore = 0;
  let second = 0;
  // A generic last word (`… DISCOUNT STORE`, `… FABRIC SHOP`) leaves the last place to the word before it.
  let lastIndex = tokens.length - 1;
  while (lastIndex > 0 && GENERIC_TRAILING.has(tokens[lastIndex]!)) lastIndex--;
  const insurer = insurerCategory(tokens, lastIndex);
  if (insurer) return insurer;
  for (let i = 0; i < tokens.length; i++) {
    let hit: LexiconWord | undefined;
    let end = i;
    if (i + 1 < tokens.length) {
      hit = byPair.get(tokens[i]!)?.get(tokens[i + 1]!);
      if (hit) end = i + 1;
    }
    hit ??= byWord.get(tokens[i]!) ?? subwordHit(tokens[i]!);
    if (!hit) continue;
    const score = hit.weight * (end >= lastIndex ? 1 : 0.85);
    i = end;
    if (hit.secondary === best) bestScore = Math.max(bestScore, score);
    else if (score > bestScore) {
      second = bestScore;
      best = hit.secondary;
      bestScore = score;
    } else second = Math.max(second, score);
  }
  if (!best || bestScore < MIN_SCORE) return undefined;
  // Two words that disagree as strongly (`CAFE BAR`) are no evidence either way: the model decides.
  if (second >= bestScore) return undefined;
  return { secondary: best, score: bestScore - second / 2 };
}
