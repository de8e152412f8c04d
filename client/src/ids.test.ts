import { ClientMsgId, MessageId } from "@edge-chat/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { newClientMsgId, newRequestId, randomUuid } from "./ids.ts";

describe("ids", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("makes distinct client message and request ids that fit the protocol", () => {
    const ids = new Set(Array.from({ length: 100 }, () => newClientMsgId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(ClientMsgId.safeParse(id).success).toBe(true);
    expect(newRequestId()).not.toBe(newRequestId());
  });

  it("builds a valid v4 UUID where crypto.randomUUID is missing (insecure contexts)", () => {
    const real = globalThis.crypto;
    vi.stubGlobal("crypto", { getRandomValues: (a: Uint8Array) => real.getRandomValues(a) });
    const uuid = randomUuid();
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(MessageId.safeParse(uuid).success).toBe(true);
    expect(randomUuid()).not.toBe(uuid);
  });
});
