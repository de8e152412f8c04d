// The short fuzz: a few thousand generated frames and HTTP bodies at an edge; every answer typed.
import { expect, it } from "vitest";
import { runFuzz } from "../src/fuzz.ts";
import { SHORT } from "../src/options.ts";

it("answers generated frames and bodies with typed errors only, and a bystander is unaffected", async () => {
  const result = await runFuzz(SHORT.fuzz, () => {});
  console.log(JSON.stringify(result));
  expect(result.examples).toEqual([]);
  expect(result.untyped).toBe(0);
  expect(result.frames).toBe(SHORT.fuzz.frames);
  expect(result.requests).toBe(SHORT.fuzz.requests);
  expect(result.typed_errors).toBeGreaterThan(0);
  expect(result.bystander_ok).toBe(true);
});
