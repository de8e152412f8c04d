import { describe, expect, it } from "vitest";
import { scanFrame } from "./frame-scan.ts";

const message = (seq: number, text: string) =>
  `{"seq":${seq},"messageId":"m${seq}","senderId":"u","content":{"kind":"text","text":"${text}"},"serverTs":1}`;

function scan(data: string, caseId = "c3") {
  const seen: [number, number][] = [];
  const result = scanFrame(data, caseId, (i, at) => seen.push([i, at]));
  return { ...result, seen };
}

describe("scanFrame", () => {
  it("reads every text of a batched frame and its newest seq", () => {
    const frame = `{"type":"messages","messages":[${message(41, "c3|7|1700.25")},${message(42, "c3|8|1701.5")}]}`;
    expect(scan(frame)).toEqual({
      texts: 2,
      seq: 42,
      error: false,
      seen: [
        [7, 1700.25],
        [8, 1701.5],
      ],
    });
  });

  it("reads a single message and the floor's echoed send (no seq)", () => {
    expect(scan(`{"type":"message","message":${message(9, "c3|0|5")}}`)).toMatchObject({
      texts: 1,
      seq: 9,
      seen: [[0, 5]],
    });
    const echo = `{"type":"send","reqId":"c3-4","clientMsgId":"c3-4","content":{"kind":"text","text":"c3|4|6.5"}}`;
    expect(scan(echo)).toMatchObject({ texts: 1, seq: undefined, seen: [[4, 6.5]] });
  });

  it("ignores another case's texts (c3 is not c30) and counts error frames", () => {
    expect(scan(`{"type":"message","message":${message(1, "c30|0|5")}}`)).toMatchObject({
      texts: 0,
      seen: [],
    });
    expect(scan(`{"type":"error","code":"rate_limited"}`)).toMatchObject({ error: true });
    expect(scan(`{"type":"ack","reqId":"c3-1","seq":3}`)).toMatchObject({
      texts: 0,
      seq: undefined,
    });
  });
});
