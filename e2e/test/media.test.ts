// Media end to end, for real: SDK users → the edge Worker in workerd → region-core processes (real
// Kafka and Cassandra, media_objects rows) signing for and verifying against the harness's
// versitygw S3 server, which checks every signature. An image goes up, is verified (type sniffed,
// thumbnail and placeholder made), is sent, arrives, and downloads byte for byte; each way of
// cheating is refused with a typed error and stores no message.
import { randomUUID } from "node:crypto";
import { ChatError, type Message, MediaUploadTicket } from "@edge-chat/protocol";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ChatUser, chatUser, type System, startSystem, until } from "../src/index.ts";

const services = inject("services");
let system: System;
beforeAll(async () => {
  system = await startSystem({
    label: "e2e_media",
    services,
    regionEnv: {
      S3_ENDPOINT: services.s3.endpoint,
      S3_REGION: services.s3.awsRegion,
      S3_FORCE_PATH_STYLE: "true",
      MEDIA_BUCKET: services.s3.bucket,
      S3_ACCESS_KEY_ID: services.s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: services.s3.secretAccessKey,
    },
  });
});
afterAll(async () => {
  await system?.stop();
});

/** A 640×400 PNG with a gradient, made here. */
async function png(): Promise<Uint8Array<ArrayBuffer>> {
  const width = 640;
  const height = 400;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    pixels[i * 3] = (i % width) % 256;
    pixels[i * 3 + 1] = Math.floor(i / width) % 256;
    pixels[i * 3 + 2] = 90;
  }
  return new Uint8Array(
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  return error instanceof ChatError ? error.code : `not a ChatError: ${String(error)}`;
}

describe("media: SDK → edge (workerd) → region (Cassandra) → versitygw", () => {
  let users: ChatUser[] = [];
  afterAll(() => {
    for (const user of users) user.closeAll();
  });

  it("an image goes up, is verified, sent, received, and downloads identical, with a thumbnail", async () => {
    users = await Promise.all(["alice", "bob", "eve"].map((n) => chatUser(system.edge.baseUrl, n)));
    const [alice, bob, eve] = users as [ChatUser, ChatUser, ChatUser];
    const group = await alice.client.createGroup({ name: "pics", memberIds: [bob.userId] });
    const id = group.conversationId;
    const [aliceSession] = await Promise.all([alice.open(id), bob.open(id)]);
    const bytes = await png();

    const content = await alice.client.uploadMedia(id, {
      kind: "image",
      mime: "image/png",
      data: bytes,
    });
    expect(content.media).toMatchObject({
      mime: "image/png",
      size: bytes.length,
      width: 640,
      height: 400,
    });
    expect(content.media.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const ack = await aliceSession!.send({ ...content, caption: "gradient" });

    await until(
      () => bob.messages.get(id)?.some((m) => m.seq === ack.seq) ?? false,
      "bob to receive the image",
    );
    const received = bob.messages.get(id)!.find((m) => m.seq === ack.seq)!;
    expect(received.content).toEqual({ ...content, caption: "gradient" });
    const media = (received.content as Extract<Message["content"], { kind: "image" }>).media;

    // Bob downloads the very bytes alice uploaded, and the region's WebP thumbnail.
    const full = await fetch(await bob.client.mediaUrl(id, media.objectKey));
    expect(full.status).toBe(200);
    expect(new Uint8Array(await full.arrayBuffer())).toEqual(bytes);
    const thumb = await fetch(await bob.client.mediaUrl(id, media.thumbnailKey!));
    expect(await sharp(new Uint8Array(await thumb.arrayBuffer())).metadata()).toMatchObject({
      format: "webp",
      width: 320,
      height: 200,
    });

    // A tampered or lengthened URL is refused by the store itself.
    const url = new URL(await bob.client.mediaUrl(id, media.objectKey));
    const signature = url.searchParams.get("X-Amz-Signature")!;
    url.searchParams.set(
      "X-Amz-Signature",
      signature.replace(/^./, (c) => (c === "0" ? "1" : "0")),
    );
    expect((await fetch(url)).status).toBe(403);
    const longer = new URL(await bob.client.mediaUrl(id, media.objectKey));
    longer.searchParams.set("X-Amz-Expires", "604800");
    expect((await fetch(longer)).status).toBe(403);

    // A non-member gets not_found for the object, as for the conversation.
    expect(await codeOf(eve.client.mediaUrl(id, media.objectKey))).toBe("not_found");
    expect(
      await codeOf(eve.client.uploadMedia(id, { kind: "image", mime: "image/png", data: bytes })),
    ).toBe("not_found");
  });

  it("refuses a wrong type, an oversized body, a missing or foreign object; nothing is stored", async () => {
    const [alice, bob] = users as [ChatUser, ChatUser];
    const group = await alice.client.createGroup({ name: "refusals", memberIds: [bob.userId] });
    const id = group.conversationId;
    const other = await bob.client.createGroup({ name: "other", memberIds: [alice.userId] });

    // HTML that calls itself a PNG: the PUT succeeds (the store checks signatures, not bytes),
    // the verification refuses it.
    const html = new TextEncoder().encode("<!doctype html><script>alert(1)</script>");
    expect(
      await codeOf(alice.client.uploadMedia(id, { kind: "image", mime: "image/png", data: html })),
    ).toBe("invalid_request");

    // A body longer than its ticket: the store refuses the PUT (the length is signed).
    const ticket = MediaUploadTicket.parse(
      await alice.client.mediaUploadTicket(id, { kind: "image", mime: "image/png", size: 100 }),
    );
    const put = await fetch(ticket.uploadUrl, {
      method: "PUT",
      headers: { "content-type": "image/png" },
      body: new Uint8Array(5000),
    });
    expect(put.status).toBe(403);
    // An image over the kind's limit gets no ticket at all.
    expect(
      await codeOf(
        alice.client.mediaUploadTicket(id, {
          kind: "image",
          mime: "image/png",
          size: 17 * 1024 * 1024,
        }),
      ),
    ).toBe("content_too_large");

    // Messages naming a missing object, or bob's verified object in alice's message, are refused.
    const bobs = (
      await bob.client.uploadMedia(id, { kind: "image", mime: "image/png", data: await png() })
    ).media;
    const image = (objectKey: string, size = bobs.size) => ({
      kind: "image" as const,
      media: { objectKey, mime: "image/png", size, width: 640, height: 400 },
    });
    const lastBefore = (await alice.client.history(id)).messages.at(-1)?.seq;
    for (const content of [image(`c/${id}/${randomUUID()}`), image(bobs.objectKey)]) {
      expect(
        await codeOf(alice.client.sendMessage(id, { clientMsgId: randomUUID(), content })),
      ).toBe("invalid_request");
    }
    // An object of another conversation, even one alice verified herself.
    const elsewhere = await alice.client.uploadMedia(other.conversationId, {
      kind: "image",
      mime: "image/png",
      data: await png(),
    });
    expect(
      await codeOf(alice.client.sendMessage(id, { clientMsgId: randomUUID(), content: elsewhere })),
    ).toBe("invalid_request");
    expect((await alice.client.history(id)).messages.at(-1)?.seq).toBe(lastBefore);
  });
});
