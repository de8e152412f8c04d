// One user, several devices: each device's own delivered watermark decides which devices a push
// skips (a device that received the message before going away is not pushed for it; one that has
// not received the newer message is); the user's read state reaches every device; and a message
// sent from one device appears live on the user's other devices. Pushes are read at the test's
// push webhook (test/support/fake-push.ts), which records the devices each push skips.
import type { PushNotification } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { api, connect, eventually, users } from "./support/client.ts";
import { connectInbox } from "./support/inbox-client.ts";

async function pushesOf(userId: string): Promise<PushNotification[]> {
  const res = await fetch(`http://push.test/__control/pushes?userId=${userId}`);
  return ((await res.json()) as { pushes: PushNotification[] }).pushes;
}
let n = 0;
const send = (userId: string, id: string, text: string) =>
  api(userId, "POST", `/v1/conversations/${id}/messages`, {
    clientMsgId: `dv${++n}`,
    content: { kind: "text", text },
  });
const direct = async (a: string, b: string) =>
  (await api(a, "POST", "/v1/conversations/direct", { peerId: b })).body.conversationId as string;

describe("a user's devices", () => {
  it("a push skips a device that already received the message, not one that lacks it", async () => {
    const [a, b] = users(2, "dv");
    const id = await direct(a!, b!);
    // a's laptop watches the conversation, gets message 1 and acks it under its device id.
    const laptop = await connect(a!, id);
    await send(b!, id, "one");
    await laptop.next("message", (f) => f.message.seq === 1);
    laptop.send({ type: "delivered", upToSeq: 1, deviceId: "laptop" });
    laptop.send({ type: "ping", reqId: "after-delivered" });
    await laptop.next("pong", (f) => f.reqId === "after-delivered");
    laptop.close();

    // a has no socket now: the push for message 1 goes out, skipping the laptop, which has it.
    await eventually(async () => (await pushesOf(a!)).length === 1, "push for message 1", 60_000);
    const [first] = await pushesOf(a!);
    expect(first).toMatchObject({ conversationId: id, lastSeq: 1 });
    expect(first!.skipDeviceIds).toEqual(["laptop"]);

    // Message 2 never reached the laptop: its push is for every device, the laptop included.
    await send(b!, id, "two");
    await eventually(async () => (await pushesOf(a!)).length === 2, "push for message 2", 60_000);
    const second = (await pushesOf(a!))[1]!;
    expect(second).toMatchObject({ conversationId: id, lastSeq: 2 });
    expect(second.skipDeviceIds ?? []).not.toContain("laptop");
  });

  it("read state is the user's: a read on one device reaches every device", async () => {
    const [a, b] = users(2, "dr");
    const id = await direct(a!, b!);
    const phoneInbox = await connectInbox(a!);
    const laptopInbox = await connectInbox(a!);
    await send(b!, id, "one");
    await send(b!, id, "two");
    for (const inbox of [phoneInbox, laptopInbox]) {
      await inbox.next(
        "inbox_update",
        (f) => f.entry.conversationId === id && f.entry.unread === 2,
      );
    }
    // The phone reads on its conversation socket; both devices' lists drop to no unread.
    const phone = await connect(a!, id);
    phone.send({ type: "read", upToSeq: 2 });
    for (const inbox of [phoneInbox, laptopInbox]) {
      const read = await inbox.next(
        "inbox_update",
        (f) => f.entry.conversationId === id && f.entry.unread === 0,
      );
      expect(read.entry.readUpTo).toBe(2);
    }
    // A device that opens the conversation later starts from the same read watermark.
    expect((await api(a!, "GET", "/v1/conversations")).body.conversations[0]).toMatchObject({
      conversationId: id,
      readUpTo: 2,
      unread: 0,
    });
    for (const s of [phone, phoneInbox, laptopInbox]) s.close();
  });

  it("a message sent from one device appears on the user's other devices", async () => {
    const [a, b] = users(2, "ds");
    const id = await direct(a!, b!);
    const phone = await connect(a!, id);
    const laptop = await connect(a!, id);
    const laptopInbox = await connectInbox(a!);
    phone.send({
      type: "send",
      reqId: "s1",
      clientMsgId: "from-phone",
      content: { kind: "text", text: "sent on the phone" },
    });
    const ack = await phone.next("ack", (f) => f.reqId === "s1");
    const seen = await laptop.next("message", (f) => f.message.seq === ack.seq);
    expect(seen.message).toMatchObject({
      senderId: a,
      clientMsgId: "from-phone",
      content: { kind: "text", text: "sent on the phone" },
    });
    // The laptop's list shows it too, as the user's own (read) message.
    const row = await laptopInbox.next(
      "inbox_update",
      (f) => f.entry.conversationId === id && f.entry.lastSeq === ack.seq,
    );
    expect(row.entry).toMatchObject({ lastSenderId: a, unread: 0 });
    for (const s of [phone, laptop, laptopInbox]) s.close();
  });
});
