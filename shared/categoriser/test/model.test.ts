import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadModel, ModelFormatError, shippedModel } from "../src/index";
import { predict } from "../src/model";

const MODEL_URL = new URL("../data/model.json", import.meta.url);

describe("the shipped model", () => {
  it("is well under 1 MB and loads", () => {
    expect(statSync(MODEL_URL).size).toBeLessThan(1_000_000);
    const model = shippedModel();
    expect(model.classes.length).toBeGreaterThan(50);
  });

  it("has confidences that never fall as the model's score rises, all below certainty", () => {
    const { buckets, steps } = shippedModel();
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.confidence).toBeGreaterThanOrEqual(buckets[i - 1]!.confidence);
    for (const c of [...buckets.map((b) => b.confidence), ...Object.values(steps)]) {
      expect(c).toBeGreaterThan(0);
      expect(c).toBeLessThan(1);
    }
  });

  it("predicts from words and refuses to guess from meta features alone", () => {
    const model = shippedModel();
    expect(predict(model, ["BUTCHER", "~D", "#PURCHASE", "$3"])?.primary).toBe("groceries");
    expect(predict(model, ["~D", "#PURCHASE", "$3"])).toBeUndefined();
    expect(predict(model, ["ZZQX"])).toBeUndefined();
  });

  it("rejects a file of the wrong shape with a coded error", () => {
    const raw = JSON.parse(readFileSync(MODEL_URL, "utf8"));
    expect(() => loadModel({ ...raw, format: "other" })).toThrow(ModelFormatError);
    expect(() => loadModel({ ...raw, vocab: { CAFE: [999, 1] } })).toThrow(ModelFormatError);
    try {
      loadModel(null);
    } catch (error) {
      expect((error as ModelFormatError).code).toBe("categoriser.model_format");
    }
  });
});
