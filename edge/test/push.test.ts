// Push notifications through the real path: messages for a user with no inbox socket connected make
// their InboxDO POST a signed PushNotification to the webhook (a fake in Node behind Miniflare's
// outbound service, verifying the service token), collapsed per conversation (PUSH_COLLAPSE_MS is
// 1.5 s in tests), never for the user's own messages or while a device is connected; a push due
// while its receiver is down waits in the InboxDO's push outbox and is delivered when it is back.
import type { PushNotification } from "@edge-chat/protocol";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createGroup, eventually, users } from "./support/client.ts";
import { connectInbox, listUntil, rowOf } from "./support/inbox-client.ts";

async function pushesOf(userId: string) {
  const res = await fetch(`http://push.test/__control/pushes?userId=${userId}`);
  return (await res.json()) as { pushes: PushNotification[]; rejected: number; refused: number };
}
/** Takes the push receiver down (503) or back up, for this user's pushes only. */
async function receiverDown(userId: string, down: boolean) {
  await fetch(`http://push.test/__control/down?userId=${userId}&down=${down ? 1 : 0}`, {
    method: "POST",
  });
}
let n = 0;
const send = (userId: string, id: string, text: string) =>
  api(userId, "POST", `/v1/conversations/${id}/messages`, {
    clientMsgId: `p${++n}`,
    content: { kind: "text", text },
  });
const inbox = (userId: string) => env.INBOXES.get(env.INBOXES.idFromName(userId));
const decided = (userId: string) => inbox(userId).pushesDecided();

describe("push", () => {
  it("pushes to offline users, collapsed per conversation, never own messages", async () => {
    const [a, b] = users(2, "pu");
    const direct = (await api(a!, "POST", "/v1/conversations/direct", { peerId: b })).body
      .conversationId as string;
    await send(b!, direct, "first");
    let pushes: PushNotification[] = [];
    await eventually(
      async () => {
        pushes = (await pushesOf(a!)).pushes;
        return pushes.length === 1;
      },
      "first push",
      60_000,
    );
    expect(pushes[0]).toMatchObject({
      userId: a,
      conversationId: direct,
      kind: "direct",
      count: 1,
      lastSeq: 1,
      lastSenderId: b,
      preview: "first",
      unread: 1,
    });

    // Two more within the collapse window: one push later, counting both.
    await send(b!, direct, "second");
    await send(b!, direct, "third");
    await eventually(
      async () => {
        pushes = (await pushesOf(a!)).pushes;
        return pushes.length === 2;
      },
      "collapsed push",
      60_000,
    );
    expect(pushes[1]).toMatchObject({ count: 2, lastSeq: 3, unread: 3, preview: "third" });
    expect(pushes[1]!.at - pushes[0]!.at).toBeGreaterThanOrEqual(1500);
    // b sent everything: b was never pushed. Every token verified, every body valid.
    expect((await pushesOf(b!)).pushes).toEqual([]);
    expect((await pushesOf(a!)).rejected).toBe(0);

    // a's own message (and the group a creates) push nothing to a.
    const g = await createGroup(a!, [b!]);
    await send(a!, direct, "mine");
    await listUntil(a!, (l) => rowOf(l, direct)?.lastSeq === 4 && rowOf(l, g) !== undefined, "own");
    expect(await decided(a!)).toBe(2);

    // With a device connected, nothing is pushed.
    const device = await connectInbox(a!);
    await send(b!, direct, "while online");
    await device.next("inbox_update", (f) => f.entry.lastSeq === 5);
    expect(await decided(a!)).toBe(2);
    device.close();
  });

  it("keeps a push while its receiver is down and delivers it once it is back", async () => {
    const [a, b] = users(2, "pd");
    await receiverDown(a!, true);
    const direct = (await api(a!, "POST", "/v1/conversations/direct", { peerId: b })).body
      .conversationId as string;
    await send(b!, direct, "during the outage");
    // Decided, refused (at least twice: retried), and still waiting in the InboxDO's push outbox.
    await eventually(async () => (await pushesOf(a!)).refused >= 2, "refused retries", 60_000);
    expect(await decided(a!)).toBe(1);
    expect(await inbox(a!).pushesPending()).toBe(1);
    expect((await pushesOf(a!)).pushes).toEqual([]);

    await receiverDown(a!, false);
    await eventually(
      async () => (await pushesOf(a!)).pushes.length === 1,
      "push after the outage",
      60_000,
    );
    expect((await pushesOf(a!)).pushes[0]).toMatchObject({
      userId: a,
      conversationId: direct,
      count: 1,
      preview: "during the outage",
    });
    await eventually(async () => (await inbox(a!).pushesPending()) === 0, "push outbox drained");
    // Delivered once: the row left the push outbox with the confirmation.
    expect((await pushesOf(a!)).pushes).toHaveLength(1);
  });
});

describe("push and mentions", () => {
  it("a push covering a message that mentions the recipient says so (it overrides mute)", async () => {
    const [a, b, c] = users(3, "pm");
    const g = await createGroup(a!, [b!, c!]);
    await send(a!, g, `hello @${b} and everyone`);
    let forB: PushNotification[] = [];
    let forC: PushNotification[] = [];
    await eventually(
      async () => {
        forB = (await pushesOf(b!)).pushes.filter((p) => p.lastSeq >= 2);
        forC = (await pushesOf(c!)).pushes.filter((p) => p.lastSeq >= 2);
        return forB.length === 1 && forC.length === 1;
      },
      "mention pushes",
      60_000,
    );
    expect(forB[0]).toMatchObject({ conversationId: g, lastSeq: 2, mentioned: true });
    expect(forC[0]).toMatchObject({ conversationId: g, lastSeq: 2 });
    expect(forC[0]).not.toHaveProperty("mentioned");
  });
});
