import { describe, expect, it } from "vitest";
import {
  encodeReply,
  isAuthorized,
  isBlocking,
  parseCommand,
  parseCommands,
  UpstashRequestError,
} from "./upstash-protocol.ts";

describe("parseCommand", () => {
  it("accepts a JSON array and stringifies numbers and booleans", () => {
    expect(parseCommand(["SET", "k", 1, true])).toEqual(["SET", "k", "1", "true"]);
  });

  it.each([[[]], [{}], ["GET"], [[null]], [["GET", { a: 1 }]], [[""]]])("rejects %j", (body) => {
    expect(() => parseCommand(body)).toThrow(UpstashRequestError);
  });

  it("parses a pipeline of commands", () => {
    expect(
      parseCommands([
        ["INCR", "a"],
        ["GET", "a"],
      ]),
    ).toEqual([
      ["INCR", "a"],
      ["GET", "a"],
    ]);
    expect(() => parseCommands([["GET", "a"], "oops"])).toThrow(UpstashRequestError);
  });
});

describe("isAuthorized", () => {
  it("accepts exactly the bearer token", () => {
    expect(isAuthorized("Bearer s3cret-token", "s3cret-token")).toBe(true);
    expect(isAuthorized("Bearer s3cret-tokeN", "s3cret-token")).toBe(false);
    expect(isAuthorized("Bearer s3cret", "s3cret-token")).toBe(false);
    expect(isAuthorized("Basic s3cret-token", "s3cret-token")).toBe(false);
    expect(isAuthorized(undefined, "s3cret-token")).toBe(false);
  });
});

describe("encodeReply", () => {
  const reply = [Buffer.from("héllo"), 42, null, [Buffer.from("x"), [Buffer.from("y")]]];

  it("returns strings as UTF-8 by default", () => {
    expect(encodeReply(reply, false)).toEqual(["héllo", 42, null, ["x", ["y"]]]);
  });

  it("base64-encodes every string when asked, leaving numbers and nil alone", () => {
    expect(encodeReply(reply, true)).toEqual([
      Buffer.from("héllo").toString("base64"),
      42,
      null,
      ["eA==", ["eQ=="]],
    ]);
    expect(encodeReply("OK", true)).toBe("T0s=");
  });

  it("turns a nested Redis error into its message", () => {
    expect(encodeReply([new Error("WRONGTYPE bad")], false)).toEqual(["WRONGTYPE bad"]);
  });
});

describe("isBlocking", () => {
  it("recognises blocking commands in any case", () => {
    expect(isBlocking(["blpop", "q", "1"])).toBe(true);
    expect(isBlocking(["XREAD", "BLOCK", "100", "STREAMS", "s", "$"])).toBe(true);
    expect(isBlocking(["XREAD", "COUNT", "1", "STREAMS", "s", "0"])).toBe(false);
    expect(isBlocking(["GET", "k"])).toBe(false);
  });
});
