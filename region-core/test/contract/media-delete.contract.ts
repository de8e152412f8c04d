// A stored media message marks its objects referenced (so the sweeper keeps them), and a delete
// for everyone takes the media with it: the persister (applyStep) removes the object, its
// thumbnail and poster and their marks before writing the tombstone; a replay of the delete
// (objects already gone) succeeds, and other messages' objects stay.
import { randomUUID } from "node:crypto";
import type { Message } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import type { MediaStore } from "../../src/media/ports.ts";
import { isReferenced } from "../../src/media/references.ts";
import { applyStep } from "../../src/persister/apply.ts";
import { coalesce } from "../../src/persister/coalesce.ts";
import { memoryRepositories } from "../../src/repositories/memory.ts";
import type { Repositories } from "../../src/repositories/ports.ts";
import { message, uniqueGroup } from "../fixtures.ts";

async function persist(repos: Repositories, store: MediaStore, m: Message): Promise<void> {
  const [step] = coalesce([m], (item) => ({ type: "message", message: item }) as const);
  if (step) await applyStep(repos, step, store);
}

export function mediaDeleteContract(name: string, store: () => MediaStore): void {
  describe(`delete for everyone removes media: ${name}`, () => {
    it("marks a media message's objects, and deletes those of the deleted message only", async () => {
      const media = store();
      const repos = memoryRepositories();
      const conv = uniqueGroup("media-delete");
      const keys = ["obj", "thumb", "poster", "kept"].map((k) => `c/${conv}/${randomUUID()}-${k}`);
      for (const key of keys) await media.put(key, new Uint8Array([1, 2, 3]), "video/mp4");
      const video = (seq: number, objectKey: string, extra = {}): Message => ({
        ...message(conv, seq, "alice"),
        content: {
          kind: "video",
          media: {
            objectKey,
            mime: "video/mp4",
            size: 3,
            width: 2,
            height: 2,
            durationMs: 1000,
            ...extra,
          },
        },
      });
      await persist(
        repos,
        media,
        video(1, keys[0]!, { thumbnailKey: keys[1], posterKey: keys[2] }),
      );
      await persist(repos, media, video(2, keys[3]!));
      for (const key of keys) expect(await isReferenced(media, key), key).toBe(true);
      const del: Message = {
        ...message(conv, 3, "alice"),
        content: { kind: "delete", targetSeq: 1, moderation: false, scrub: [] },
      };
      await persist(repos, media, del);
      for (const key of keys.slice(0, 3)) {
        expect(await media.head(key), key).toBeNull();
        expect(await isReferenced(media, key), key).toBe(false);
      }
      expect(await media.head(keys[3]!)).not.toBeNull();
      expect(await isReferenced(media, keys[3]!)).toBe(true);
      // A replayed delete finds the target tombstoned (no keys left) and changes nothing.
      await persist(repos, media, del);
      expect(await media.head(keys[3]!)).not.toBeNull();
    });
  });
}
