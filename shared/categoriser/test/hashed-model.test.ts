import { describe, expect, it } from "vitest";
import { categorise, hashedFeatures, hashFeature, loadHashedModel, ModelFormatError, scorePrimaries, shippedModel } from "../src/index";
import { purchase } from "./helpers";

const config = (over: Record<string, unknown> = {}) => ({
  format: "expenzez-lr/1",
  bits: 8,
  scale: 0.1,
  classes: ["groceries", "transport"],
  defaultSecondary: { groceries: "groceries/supermarkets", transport: "transport/fuel" },
  buckets: [{ upTo: 1, confidence: 0.6, n: 10 }],
  ...over,
});

describe("hashed logistic regression", () => {
  it("refuses a config or weights that do not match", () => {
    expect(() => loadHashedModel({ ...config(), format: "x" }, new Uint8Array(512))).toThrow(ModelFormatError);
    expect(() => loadHashedModel(config(), new Uint8Array(100))).toThrow(ModelFormatError);
  });

  it("scores the primaries by the weights of the hashed features, with a softmax probability", () => {
    const bytes = new Uint8Array(256 * 2);
    const f = hashFeature("PETROL", 255);
    bytes[f * 2 + 1] = 50; // +5.0 for transport
    const model = loadHashedModel(config(), bytes);
    const scored = scorePrimaries(model, [f]);
    expect(scored.primary).toBe("transport");
    expect(scored.probability).toBeCloseTo(1 / (1 + Math.exp(-5)), 5);
  });

  it("hashes character 4-grams of the framed merchant words beside the whole features", () => {
    const hashed = hashedFeatures(["CAFE"], ["TUTOR"], 255);
    // One whole feature plus the 4 four-letter windows of `<TUTOR>`.
    expect(hashed).toHaveLength(1 + 4);
    expect(hashed[0]).toBe(hashFeature("CAFE", 255));
  });

  it("ships with the regression and uses it for the model step", () => {
    expect(shippedModel().hashed?.config.classes.length).toBeGreaterThan(15);
    const { category } = categorise(purchase("SQ *PATELS MEAT AND POULTRY 0412"));
    expect(category.reason).toBe("model");
  });
});
