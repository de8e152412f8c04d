// Integration: message changes through the SDK against the real edge Worker in workerd. A device
// that is offline while a message is edited, reacted to and deleted reconnects, replays, and its
// MessageList ends exactly where the HTTP history is; every refusal arrives as a typed ChatError.
import { ChatError, foldAll } from "@edge-chat/protocol";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ChatClient, fetchDevToken, MessageList } from "../src/index.ts";
import { startEdge } from "./support/edge.ts";
import { Network } from "./support/network.ts";

const started = await startEdge();
if (!started.ok) console.warn(`[client changes] SKIPPED: ${started.reason}`);
const edge = started.ok ? started.edge : undefined;
afterAll(async () => {
  await edge?.dispose();
});

const WAIT = { timeout: 20_000, interval: 20 };
let run = 0;

async function user(name: string) {
  const userId = `${name}-${Date.now().toString(36)}-${++run}`;
  const network = new Network();
  const token = await fetchDevToken(edge!.baseUrl, userId);
  const client = new ChatClient({
    baseUrl: edge!.baseUrl,
    getToken: async () => token,
    fetchImpl: network.fetchImpl,
    WebSocketImpl: network.WebSocketImpl,
  });
  return { userId, client, network };
}

describe.skipIf(!edge)("SDK: message changes", () => {
  it("an offline device folds edits, reactions and a delete to exactly what history says", async () => {
    const alice = await user("alice");
    const bob = await user("bob");
    const { conversationId } = await alice.client.createDirect(bob.userId);
    const sa = alice.client.open(conversationId, { heartbeatMs: 0 });
    const sb = bob.client.open(conversationId, { heartbeatMs: 0 });
    const list = new MessageList();
    sb.on("message", (m) => list.apply(m));
    sb.on("hidden", (seqs) => list.hide(seqs));
    await vi.waitFor(() => expect([sa.state, sb.state]).toEqual(["open", "open"]), WAIT);

    const first = await sa.sendText("first draft");
    const second = await sa.sendText("second");
    await vi.waitFor(() => expect(list.messages()).toHaveLength(2), WAIT);

    bob.network.offline();
    await sa.edit(first.seq, "first, final");
    await sa.react(second.seq, "🔥");
    await sa.edit(second.seq, "second!");
    await sa.deleteForEveryone(second.seq);
    await sa.sendText("third");
    const refused = await sa.edit(second.seq, "too late").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ChatError);
    expect((refused as ChatError).code).toBe("message_deleted");
    bob.network.reconnect();
    const history = (await alice.client.history(conversationId, { after: 0, limit: 200 })).messages;
    const expected = JSON.parse(JSON.stringify(foldAll(history)));
    await vi.waitFor(() => expect(sb.lastSeq).toBe(history.at(-1)!.seq), WAIT);
    expect(JSON.parse(JSON.stringify(list.messages()))).toEqual(expected);
    expect(list.get(first.seq)!.content).toEqual({ kind: "text", text: "first, final" });
    expect(list.get(second.seq)!.content).toEqual({ kind: "deleted" });
    expect(JSON.stringify(history)).not.toContain("second!");

    // Typed refusals through the SDK: not the sender.
    const err = await sb.edit(first.seq, "mine now").catch((e: unknown) => e);
    expect((err as ChatError).code).toBe("not_sender");

    // Delete for me: hidden on bob's devices only.
    await sb.deleteForMe(first.seq);
    await vi.waitFor(() => expect(list.get(first.seq)).toBeUndefined(), WAIT);
    expect(await bob.client.hidden(conversationId)).toEqual([first.seq]);
    expect(await alice.client.hidden(conversationId)).toEqual([]);
    sa.close();
    sb.close();
  });

  it("group admin and block through the SDK, with typed refusals", async () => {
    const alice = await user("alice");
    const bob = await user("bob");
    const group = await alice.client.createGroup({ name: "sdk", memberIds: [bob.userId] });
    const renamed = await alice.client.updateGroup(group.conversationId, {
      name: "sdk renamed",
      adminsOnly: true,
    });
    expect(renamed).toMatchObject({ name: "sdk renamed", adminsOnly: true });
    const refused = await bob.client
      .updateGroup(group.conversationId, { name: "mine" })
      .catch((e: unknown) => e);
    expect((refused as ChatError).code).toBe("forbidden");
    const promoted = await alice.client.setRole(group.conversationId, bob.userId, "admin");
    expect(promoted.members.find((m) => m.userId === bob.userId)!.role).toBe("admin");

    const { conversationId } = await alice.client.createDirect(bob.userId);
    await bob.client.setBlocked(conversationId, true);
    const send = alice.client.sendMessage(conversationId, {
      clientMsgId: "blocked-1",
      content: { kind: "text", text: "hello?" },
    });
    expect(((await send.catch((e: unknown) => e)) as ChatError).code).toBe("blocked");
    await bob.client.setBlocked(conversationId, false);
    expect(
      (
        await alice.client.sendMessage(conversationId, {
          clientMsgId: "blocked-2",
          content: { kind: "text", text: "hello" },
        })
      ).seq,
    ).toBe(1);
  });
});
