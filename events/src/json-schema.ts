import { z } from "zod";
import { CATALOGUE, DETAIL_TYPES, type DetailType } from "./catalogue";

/** JSON Schema (draft 2020-12) of one detail-type, for consumers outside TypeScript. */
export function detailJsonSchema(detailType: DetailType): Record<string, unknown> {
  const entry = CATALOGUE[detailType];
  return {
    $id: `https://schemas.expenzez.app/events/${detailType}.json`,
    title: detailType,
    description: `detail of ${detailType} events from ${entry.source}`,
    ...z.toJSONSchema(entry.schema, { target: "draft-2020-12" }),
  };
}

export function allDetailJsonSchemas(): Record<DetailType, Record<string, unknown>> {
  return Object.fromEntries(DETAIL_TYPES.map((t) => [t, detailJsonSchema(t)])) as Record<DetailType, Record<string, unknown>>;
}
