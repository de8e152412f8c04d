import { describe, expect, it } from "vitest";
import { sniff, sniffedMatches } from "./sniff.ts";

const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(
    parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)),
  );

describe("sniff", () => {
  it.each([
    ["jpeg", bytes([0xff, 0xd8, 0xff, 0xe0]), "image/jpeg"],
    ["png", bytes([0x89], "PNG", [0x0d, 0x0a, 0x1a, 0x0a]), "image/png"],
    ["gif", bytes("GIF89a"), "image/gif"],
    ["webp", bytes("RIFF", [0, 0, 0, 0], "WEBP"), "image/webp"],
    ["avif", bytes([0, 0, 0, 20], "ftypavif", [0, 0, 0, 0], "mif1"), "image/avif"],
    ["mp4", bytes([0, 0, 0, 20], "ftypisom", [0, 0, 2, 0], "mp41"), "video/mp4"],
    ["m4a", bytes([0, 0, 0, 20], "ftypM4A ", [0, 0, 0, 0], "isom"), "audio/mp4"],
    ["quicktime", bytes([0, 0, 0, 20], "ftypqt  ", [0, 0, 0, 0], "qt  "), "video/quicktime"],
    ["webm", bytes([0x1a, 0x45, 0xdf, 0xa3]), "video/webm"],
    ["mp3 (ID3)", bytes("ID3", [4, 0]), "audio/mpeg"],
    ["mp3 (frame)", bytes([0xff, 0xfb, 0x90]), "audio/mpeg"],
    ["aac (ADTS)", bytes([0xff, 0xf1, 0x50]), "audio/aac"],
  ])("knows %s", (_name, input, mime) => {
    expect(sniff(input)?.mime).toBe(mime);
  });

  it("finds no media type in HTML, SVG or text", () => {
    expect(sniff(bytes("<!doctype html><script>alert(1)</script>"))).toBeNull();
    expect(sniff(bytes("<svg xmlns='http://www.w3.org/2000/svg'/>"))).toBeNull();
    expect(sniff(bytes("just text"))).toBeNull();
    expect(sniff(new Uint8Array())).toBeNull();
  });

  it("matches images exactly and audio/video by container", () => {
    expect(sniffedMatches({ kind: "image", mime: "image/png" }, "image/png")).toBe(true);
    expect(sniffedMatches({ kind: "image", mime: "image/png" }, "image/jpeg")).toBe(false);
    expect(sniffedMatches({ kind: "video", mime: "video/webm" }, "audio/webm")).toBe(true);
    expect(sniffedMatches({ kind: "video", mime: "video/webm" }, "audio/mpeg")).toBe(false);
    expect(sniffedMatches({ kind: "audio", mime: "audio/mpeg" }, "AUDIO/MPEG")).toBe(true);
  });
});
