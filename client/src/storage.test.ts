import { describe, expect, it } from "vitest";
import {
  MemoryOfflineQueueStore,
  MemoryOutboxStore,
  type OfflineQueueStore,
  WebStorageOfflineQueueStore,
  WebStorageOutboxStore,
} from "./storage.ts";

/** A Map-backed stand-in for localStorage (Node has none by default). */
class MapStorage {
  readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}

const text = (t: string) => ({ kind: "text" as const, text: t });

describe.each([
  ["memory", () => new MemoryOfflineQueueStore()],
  ["web storage", () => new WebStorageOfflineQueueStore(new MapStorage())],
])("%s offline queue store", (_name, make: () => OfflineQueueStore) => {
  it("lists pending messages per conversation, oldest first, and deletes acked ones", async () => {
    const store = make();
    await store.put("d:a:b", { clientMsgId: "m2", content: text("two"), createdAt: 2 });
    await store.put("d:a:b", { clientMsgId: "m1", content: text("one"), createdAt: 1 });
    await store.put("g:other", { clientMsgId: "m3", content: text("three"), createdAt: 3 });
    expect((await store.list("d:a:b")).map((m) => m.clientMsgId)).toEqual(["m1", "m2"]);
    await store.delete("d:a:b", "m1");
    expect((await store.list("d:a:b")).map((m) => m.clientMsgId)).toEqual(["m2"]);
    expect((await store.list("g:other")).map((m) => m.clientMsgId)).toEqual(["m3"]);
  });

  it("replaces an entry put twice with the same clientMsgId", async () => {
    const store = make();
    await store.put("d:a:b", { clientMsgId: "m1", content: text("one"), createdAt: 1 });
    await store.put("d:a:b", { clientMsgId: "m1", content: text("one"), createdAt: 1 });
    expect(await store.list("d:a:b")).toHaveLength(1);
  });
});

describe("WebStorageOfflineQueueStore", () => {
  it("survives a reload: a new store over the same storage sees the pending messages", async () => {
    const storage = new MapStorage();
    await new WebStorageOfflineQueueStore(storage).put("d:a:b", {
      clientMsgId: "m1",
      content: text("hello"),
      replyToSeq: 4,
      createdAt: 10,
    });
    expect(await new WebStorageOfflineQueueStore(storage).list("d:a:b")).toEqual([
      { clientMsgId: "m1", content: text("hello"), replyToSeq: 4, createdAt: 10 },
    ]);
  });

  it("drops corrupt entries instead of failing", async () => {
    const storage = new MapStorage();
    storage.setItem("edge-chat:outbox:d:a:b", JSON.stringify([{ nope: true }]));
    expect(await new WebStorageOfflineQueueStore(storage).list("d:a:b")).toEqual([]);
    storage.setItem("edge-chat:outbox:d:a:b", "{not json");
    expect(await new WebStorageOfflineQueueStore(storage).list("d:a:b")).toEqual([]);
  });
});

describe("the offline queue's old names (deprecated)", () => {
  it("are the same classes, and the Web Storage one keeps its key prefix", async () => {
    expect(MemoryOutboxStore).toBe(MemoryOfflineQueueStore);
    expect(WebStorageOutboxStore).toBe(WebStorageOfflineQueueStore);
    // What an earlier version queued (under the key it wrote) is read back after the rename.
    const storage = new MapStorage();
    const queued = { clientMsgId: "m1", content: text("before the upgrade"), createdAt: 1 };
    storage.setItem("edge-chat:outbox:d:a:b", JSON.stringify([queued]));
    expect(await new WebStorageOfflineQueueStore(storage).list("d:a:b")).toEqual([queued]);
  });
});
