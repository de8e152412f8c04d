import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonText } from "./json-text.ts";

describe("jsonText", () => {
  const Schema = jsonText(z.object({ n: z.number() }));

  it("parses JSON text and validates it with the schema", () => {
    expect(Schema.parse('{"n":3}')).toEqual({ n: 3 });
  });

  it("reports invalid JSON as an issue instead of throwing a SyntaxError", () => {
    const result = Schema.safeParse("{nope");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("not valid JSON");
  });

  it("reports valid JSON of the wrong shape through the inner schema", () => {
    const result = Schema.safeParse('{"n":"x"}');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["n"]);
  });
});
