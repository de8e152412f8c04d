// A zod schema for JSON carried as text (environment variables, secrets): parse, then validate the
// value with the given schema. Shared by the deployables' configuration parsers so a malformed value
// fails the same way everywhere.
import { z } from "zod";

/** `text` → JSON.parse → `schema`; invalid JSON is a "not valid JSON" issue, never a throw. */
export function jsonText<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "not valid JSON" });
        return z.NEVER;
      }
    })
    .pipe(schema);
}
