// The decode threads: the same results and the same typed errors as decoding inline, for requests
// spread over several threads at once, and a refusal (not a hang) once closed.
import { ChatError } from "@edge-chat/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { batch, messageEvent } from "../../test/fixtures.ts";
import { valuesOf } from "./ingest-decode.ts";
import { type IngestDecoder, inlineDecoder, threadedDecoder } from "./ingest-decoder.ts";

const bytes = (value: unknown) =>
  new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
const text = (value: Uint8Array) => new TextDecoder().decode(value);

let decoder: IngestDecoder | undefined;
afterEach(async () => {
  await decoder?.close();
  decoder = undefined;
});

describe("threadedDecoder", () => {
  it("decodes concurrent bodies on its threads exactly as inline decoding does", async () => {
    decoder = threadedDecoder(2);
    const inputs = Array.from({ length: 12 }, (_, i) =>
      batch(`g:c${i}`, [messageEvent(`g:c${i}`, 1), messageEvent(`g:c${i}`, 2)]),
    );
    const threaded = await Promise.all(inputs.map((input) => decoder!.decode(bytes(input))));
    const inline = await Promise.all(inputs.map((input) => inlineDecoder().decode(bytes(input))));
    expect(threaded.map((b) => [b.batchId, b.conversationId, valuesOf(b).map(text)])).toEqual(
      inline.map((b) => [b.batchId, b.conversationId, valuesOf(b).map(text)]),
    );
  });

  it("rejects a bad body with the inline decoder's typed error, and keeps serving", async () => {
    decoder = threadedDecoder(1);
    const error = await decoder.decode(bytes("{")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatError);
    expect(error).toMatchObject({ code: "invalid_request", message: "body is not valid JSON" });
    const stray = batch("g:a", [messageEvent("g:b", 1)]);
    await expect(decoder.decode(bytes(stray))).rejects.toMatchObject({ code: "invalid_request" });
    const good = batch("g:a", [messageEvent("g:a", 1)]);
    expect((await decoder.decode(bytes(good))).batchId).toBe(good.batchId);
  });

  it("refuses new bodies once closed", async () => {
    decoder = threadedDecoder(1);
    await decoder.close();
    const good = batch("g:a", [messageEvent("g:a", 1)]);
    await expect(decoder.decode(bytes(good))).rejects.toMatchObject({ code: "unavailable" });
  });
});
