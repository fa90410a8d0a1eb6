import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { OSM_TAG_CATEGORY, SUB_LINE_TAGS, TAG_KEY_RANK } from "../src/osm-tags";
import { isSecondary } from "../src/taxonomy";

/**
 * The reviewed mapping, written out again by category: a change to the table must be made here
 * too, on purpose. `never`: the kind never decides (banks, cash machines, bureaux de change).
 */
const REVIEWED: Record<string, string> = {
  "groceries/supermarkets": "shop=supermarket shop=wholesale shop=frozen_food",
  "groceries/convenience": "shop=convenience shop=newsagent shop=kiosk shop=alcohol",
  "groceries/specialist_food":
    "shop=butcher shop=greengrocer shop=seafood shop=deli shop=health_food shop=confectionery shop=chocolate shop=tea shop=coffee shop=wine",
  "food_and_drink/coffee_shops": "shop=bakery shop=pastry amenity=cafe",
  "food_and_drink/restaurants": "amenity=restaurant",
  "food_and_drink/fast_food": "amenity=fast_food amenity=ice_cream amenity=food_court",
  "food_and_drink/pubs_and_bars": "amenity=pub amenity=bar amenity=nightclub",
  "shopping/general":
    "shop=department_store shop=variety_store shop=general shop=mall shop=catalogue shop=gift shop=toys shop=sports shop=outdoor shop=bicycle shop=baby_goods shop=charity shop=second_hand shop=pawnbroker shop=party shop=e-cigarette shop=tobacco shop=erotic",
  "shopping/clothing": "shop=clothes shop=shoes shop=boutique shop=fashion_accessories shop=bag shop=jewelry shop=watches shop=shoe_repair",
  "shopping/electronics":
    "shop=electronics shop=computer shop=hifi shop=appliance shop=electrical shop=vacuum_cleaner shop=camera shop=photo shop=printer_ink craft=electronics_repair",
  "shopping/home_and_garden":
    "shop=furniture shop=houseware shop=interior_decoration shop=household_linen shop=bed shop=carpet shop=tiles shop=paint shop=candles shop=doityourself shop=hardware shop=garden_centre shop=country_store",
  "shopping/books_and_stationery": "shop=books shop=stationery",
  "shopping/pets": "shop=pet amenity=veterinary",
  "housing/home_improvement": "shop=trade shop=kitchen shop=bathroom_furnishing shop=tool_hire",
  "housing/maintenance": "shop=locksmith craft=cleaning craft=plumber craft=electrician",
  "housing/rent": "office=estate_agent",
  "housing/mortgage": "office=mortgage",
  "bills_and_utilities/energy": "office=energy_supplier shop=gas",
  "bills_and_utilities/broadband_and_tv": "office=telecommunication",
  "bills_and_utilities/mobile": "shop=telecommunication shop=mobile_phone",
  "transport/fuel": "amenity=fuel amenity=charging_station man_made=charge_point highway=services",
  "transport/parking": "amenity=parking",
  "transport/car_maintenance": "amenity=car_wash shop=car_repair shop=car shop=car_parts shop=tyres shop=motorcycle shop=motorcycle_repair",
  "transport/taxis_and_rideshare": "amenity=taxi",
  "transport/public_transport": "amenity=bicycle_rental route=train route=bus route=tram route=subway route=light_rail route=trolleybus route=ferry",
  "travel/car_hire": "amenity=car_rental amenity=car_sharing",
  "travel/hotels": "tourism=hotel tourism=motel tourism=hostel tourism=guest_house",
  "travel/holidays": "tourism=caravan_site tourism=camp_site shop=travel_agency",
  "entertainment/cinema_and_events":
    "amenity=cinema amenity=theatre amenity=arts_centre tourism=theme_park tourism=museum tourism=zoo tourism=aquarium tourism=attraction leisure=bowling_alley leisure=trampoline_park leisure=indoor_play leisure=high_ropes_course leisure=escape_game shop=ticket",
  "entertainment/games": "leisure=amusement_arcade shop=video_games shop=games",
  "entertainment/hobbies": "shop=music shop=musical_instrument shop=art shop=craft shop=fabric shop=model shop=fishing",
  "health_and_fitness/pharmacy": "amenity=pharmacy shop=chemist shop=nutrition_supplements",
  "health_and_fitness/dental": "amenity=dentist",
  "health_and_fitness/optical": "shop=optician healthcare=optometrist",
  "health_and_fitness/medical":
    "amenity=doctors amenity=clinic amenity=hospital healthcare=laboratory healthcare=audiologist healthcare=counselling healthcare=physiotherapist healthcare=rehabilitation shop=hearing_aids shop=medical_supply",
  "health_and_fitness/gym_and_sport": "leisure=fitness_centre leisure=sports_centre leisure=dance leisure=golf_course leisure=swimming_pool",
  "personal_care/hair_and_beauty": "shop=hairdresser shop=beauty shop=hairdresser_supply shop=tattoo",
  "personal_care/toiletries": "shop=cosmetics shop=perfumery",
  "personal_care/wellbeing": "shop=massage leisure=sauna shop=laundry shop=dry_cleaning",
  "education/courses": "amenity=language_school amenity=driving_school amenity=training",
  "education/tuition": "amenity=college amenity=prep_school",
  "education/childcare": "amenity=kindergarten amenity=childcare",
  "gifts_and_donations/gifts": "shop=florist",
  "gifts_and_donations/charity": "office=charity amenity=animal_shelter",
  "gambling/betting": "shop=bookmaker amenity=gambling",
  "gambling/lottery": "shop=lottery",
  "gambling/casino": "amenity=casino leisure=adult_gaming_centre",
  "insurance/home": "office=insurance",
  "other/government": "amenity=post_office office=government",
  "other/business_services":
    "office=coworking office=consulting office=lawyer office=tax_advisor office=logistics office=it shop=copyshop shop=storage_rental shop=funeral_directors craft=signmaker",
  never:
    "amenity=bank amenity=atm amenity=bureau_de_change amenity=money_transfer amenity=payment_terminal amenity=payment_centre shop=money_lender office=financial office=financial_advisor office=employment_agency office=company",
};
const expected = new Map<string, string | null>();
for (const [category, tags] of Object.entries(REVIEWED)) for (const tag of tags.split(" ")) expected.set(tag, category === "never" ? null : category);

// The OSM tags that the iD editor's presets know (ISC, a dev dependency): every row must be a real tag.
const presets = createRequire(import.meta.url)("@openstreetmap/id-tagging-schema/dist/presets.min.json") as Record<string, { tags?: Record<string, string> }>;
const presetTags = new Set<string>();
for (const preset of Object.values(presets)) for (const [k, v] of Object.entries(preset.tags ?? {})) presetTags.add(`${k}=${v}`);
/** Kinds the name-suggestion-index files brands under that have no iD preset of their own. */
const NSI_ONLY = new Set(["office=mortgage", "leisure=high_ropes_course", "amenity=training", "office=logistics"]);

describe("OSM tag → taxonomy table", () => {
  it.each(Object.entries(OSM_TAG_CATEGORY))("%s → %s", (tag, category) => {
    expect(presetTags.has(tag) || NSI_ONLY.has(tag)).toBe(true);
    expect(category === null || isSecondary(category)).toBe(true);
    expect(expected.get(tag)).toBe(category);
  });

  it("has a reviewed expectation for every row and no expectation without a row", () => {
    expect([...expected.keys()].sort()).toEqual(Object.keys(OSM_TAG_CATEGORY).sort());
  });

  it("ranks every key it maps and lists only mapped kinds as sub-lines", () => {
    for (const tag of Object.keys(OSM_TAG_CATEGORY)) expect(TAG_KEY_RANK).toContain(tag.split("=")[0]);
    for (const tag of SUB_LINE_TAGS) expect(OSM_TAG_CATEGORY[tag]).toBeTruthy();
  });
});
