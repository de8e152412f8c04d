// Property-based fuzzing of client frames: random garbage and mutated valid frames never crash or
// close the socket; each gets an error frame with the code the decoder gives it, or, when it happens
// to be a valid frame, a valid effect. Every server frame must itself match the protocol.
import {
  ChatError,
  type ConversationId,
  decodeClientFrame,
  directConversationId,
  LIMITS,
} from "@edge-chat/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { connect, type TestSocket, users } from "./support/client.ts";

let probe = 0;

/** Sends one input, then a ping, and checks the frames in between. */
async function check(socket: TestSocket, input: string | ArrayBuffer): Promise<void> {
  const before = socket.frames.length;
  socket.sendRaw(input);
  const reqId = `probe-${++probe}`;
  socket.send({ type: "ping", reqId });
  await socket.next("pong", (p) => p.reqId === reqId);
  expect(socket.closed).toBeNull();
  expect(socket.invalid).toEqual([]);
  const between = socket.frames.slice(before);
  const errors = between.filter((f) => f.type === "error");
  let expected: string | null = null;
  try {
    decodeClientFrame(input);
  } catch (e) {
    expected = e instanceof ChatError ? e.code : "untyped";
  }
  if (expected !== null) {
    expect(errors.map((e) => e.code)).toEqual([expected]);
  } else {
    // A valid frame: its own effects (ack, sync batch, info, error from the domain) are fine.
    for (const e of errors) expect(e.code).not.toBe("internal");
  }
}

const validFrames = fc.oneof(
  fc.record({
    type: fc.constant("send"),
    reqId: fc.string({ minLength: 1, maxLength: 8 }),
    clientMsgId: fc.stringMatching(/^[a-z0-9]{1,10}$/),
    content: fc.record({
      kind: fc.constant("text"),
      text: fc.string({ minLength: 1, maxLength: 20 }),
    }),
  }),
  fc.record({
    type: fc.constantFrom("read", "delivered"),
    upToSeq: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({ type: fc.constant("typing"), state: fc.constantFrom("start", "stop") }),
  fc.record({
    type: fc.constant("sync"),
    afterSeq: fc.nat(20),
    limit: fc.integer({ min: 1, max: 5 }),
  }),
  fc.record({
    type: fc.constant("info"),
    reqId: fc.constant("i"),
    seq: fc.integer({ min: 1, max: 5 }),
  }),
);

/** A valid frame with one key dropped, replaced by junk, or a junk key added. */
const mutatedFrames = fc
  .tuple(validFrames, fc.nat(), fc.constantFrom("drop", "replace", "add", "type"), fc.jsonValue())
  .map(([frame, pick, how, junk]) => {
    const copy: Record<string, unknown> = { ...frame };
    const keys = Object.keys(copy);
    const key = keys[pick % keys.length]!;
    if (how === "drop") delete copy[key];
    if (how === "replace") copy[key] = junk;
    if (how === "add") copy.extra = junk;
    if (how === "type") copy.type = typeof junk === "string" ? junk : "sendd";
    return JSON.stringify(copy);
  });

async function setup(): Promise<{ socket: TestSocket; id: ConversationId }> {
  const [a, b] = users(2, "fuzz");
  const id = directConversationId(a!, b!);
  const socket = await connect(a!, id);
  socket.send({ type: "send", clientMsgId: "seed", content: { kind: "text", text: "seed" } });
  await socket.next("ack");
  return { socket, id };
}

describe("frame fuzzing", () => {
  it("random garbage gets an error frame and the socket stays usable", async () => {
    const { socket } = await setup();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.string({ unit: "grapheme" }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.uint8Array({ maxLength: 64 }).map((bytes) => bytes.buffer as ArrayBuffer),
        ),
        (input) => check(socket, input),
      ),
      { numRuns: 150 },
    );
    socket.close();
  });

  it("mutated valid frames never crash the socket", async () => {
    const { socket } = await setup();
    await fc.assert(
      fc.asyncProperty(mutatedFrames, (input) => check(socket, input)),
      { numRuns: 200 },
    );
    socket.close();
  });

  it("oversized frames are refused with frame_too_large and a matching reqId when readable", async () => {
    const { socket } = await setup();
    await check(socket, "x".repeat(LIMITS.maxFrameBytes + 1));
    socket.send({
      type: "send",
      reqId: "big",
      clientMsgId: "big",
      content: { kind: "text", text: "y".repeat(5000) },
    });
    expect(await socket.next("error", (e) => e.reqId === "big")).toMatchObject({
      code: "content_too_large",
    });
    socket.send({ type: "read", reqId: "bad", upToSeq: "seven" } as Record<string, unknown>);
    expect(await socket.next("error", (e) => e.reqId === "bad")).toMatchObject({
      code: "invalid_request",
    });
    socket.close();
  });
});
