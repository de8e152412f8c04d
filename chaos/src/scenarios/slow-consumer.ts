// A device that stops reading its conversation socket (a phone on a stalled link) while the stream
// flows: one member's extra device upgrades, then reads nothing while a second device of the other
// member sends a burst of large messages and the stalled device asks for full sync pages it never
// reads. The edge must not queue for it without bound: it cuts the socket with slow_consumer
// (close 4408) once the socket's queue passes its budget (edge/src/sockets/send-budget.ts). The
// device then reads what was kept for it, reconnects from the last seq it has, and must catch up
// with every message, once each, in order. recovery_ms: the device reads again → its resync
// reached the conversation's head. Throws (the scenario fails) if the socket was not cut, if the
// device read as much as it was offered (nothing was bounded), or if its resync missed anything.
import { ChatClient, fetchDevToken } from "@edge-chat/client";
import { until } from "@edge-chat/e2e";
import {
  closeCodeOf,
  decodeServerFrame,
  type Message,
  PROTOCOL_VERSION,
  type ServerFrame,
} from "@edge-chat/protocol";
import type { Scenario } from "../scenario.ts";
import { StalledSocket } from "../stalled-socket.ts";

/** 4,000 characters of 3 UTF-8 bytes each: a live frame of about 12 kB. */
const LARGE = "€".repeat(4000);
/** Large messages before the stalled device asks for pages (they fill the pages), then after. */
const BURST = 60;
const BARRIER = 10;
/** Full pages (afterSeq 0) the stalled device asks for and never reads: ~1 MB each. */
const SYNC_ASKS = 100;

export const slowConsumer: Scenario = {
  name: "slow-consumer",
  summary:
    "a device stops reading under a burst of large messages; it must be cut (4408), bounded, then resync; recovery_ms = reads again → resynced to the head",
  // The stalled device connects to the Worker itself, not through wrangler's dev proxy: that
  // proxy (a second workerd) kept reading what the edge sent, so the edge's own queue could stay
  // under its budget and the device was not cut (one CI run in ~10: close null). The one retry
  // stays as insurance against another such race; an edge that never cuts fails both attempts.
  retries: 1,
  async inject(ctx) {
    const { system, conversations, options, log } = ctx;
    const baseUrl = system.edge.baseUrl;
    const c = conversations[0]!;
    const [a, b] = c.members;
    const rssBefore = system.edge.rssBytes();

    const { ticket } = await b.client.ticket(c.id);
    const url = new URL(`${system.edge.directUrl}/v1/conversations/${encodeURIComponent(c.id)}/ws`);
    url.protocol = "ws:";
    url.searchParams.set("ticket", ticket);
    url.searchParams.set("v", String(PROTOCOL_VERSION));
    const stalled = await StalledSocket.open(url.toString(), options.deadlineMs);

    // A second device of the sender with its own client (its own offline queue, apart from the
    // stream's).
    const token = await fetchDevToken(baseUrl, a.userId);
    const sender = new ChatClient({ baseUrl, getToken: async () => token });
    const device = sender.open(c.id, { lastSeq: a.session.lastSeq, heartbeatMs: 5_000 });
    let rssPeak = rssBefore;
    try {
      await until(() => device.state === "open", "the burst device to open");
      for (let i = 0; i < BURST; i++) await device.sendText(LARGE);
      rssPeak = Math.max(rssPeak, system.edge.rssBytes());
      for (let i = 0; i < SYNC_ASKS; i++) {
        stalled.send(JSON.stringify({ type: "sync", reqId: `slow${i}`, afterSeq: 0, limit: 200 }));
      }
      // Sent after the asks, acknowledged one by one: by the last ack the edge has read the asks.
      for (let i = 0; i < BARRIER; i++) await device.sendText(LARGE);
      rssPeak = Math.max(rssPeak, system.edge.rssBytes());
    } finally {
      device.close();
    }

    const resumed = Date.now();
    const drained = await stalled.resume(options.deadlineMs);
    const frames = drained.texts.map((text) => decodeServerFrame(text));
    // A lower bound of what it was offered: every page is at least as long as the first one.
    const firstPage = drained.texts.find((t) => t.startsWith('{"type":"sync_batch"')) ?? "";
    const offered = SYNC_ASKS * Buffer.byteLength(firstPage);
    log(
      `slow-consumer: read ${drained.bytes} bytes of >= ${offered} offered, close ${drained.close?.code}`,
    );
    if (drained.close?.code !== closeCodeOf("slow_consumer")) {
      throw new Error(`the stalled socket was not cut (close: ${JSON.stringify(drained.close)})`);
    }
    // Bounded: what was kept for it (the edge's budget plus what the dev server's proxies and the
    // kernel hold, a constant) is well under what it asked for; unbounded, it would be all of it.
    if (!(drained.bytes < offered / 2)) {
      throw new Error(`the stalled socket read ${drained.bytes} of ${offered} bytes offered`);
    }
    const last = frames.at(-1);
    if (last?.type !== "error" || last.code !== "slow_consumer") {
      throw new Error(`the cut socket's last frame was not slow_consumer: ${last?.type}`);
    }

    // The device reconnects the way the SDK does, from the last seq it has without a gap.
    const have = contiguousHead(frames);
    const again = b.client.open(c.id, { lastSeq: have, heartbeatMs: 5_000 });
    const resynced: Message[] = [];
    again.on("message", (m) => resynced.push(m));
    try {
      const head = Math.max(a.session.lastSeq, b.session.lastSeq);
      await until(() => again.lastSeq >= head, "the cut device to resync to the head", {
        everyMs: 50,
        timeoutMs: options.deadlineMs,
      });
      const recoveryMs = Date.now() - resumed;
      // Everything the stream acknowledges in this conversation reaches the device too.
      await ctx.stream.done;
      const acked = ctx.stream.sent.filter((s) => s.ack && s.conversationId === c.id);
      const target = Math.max(have, ...acked.map((s) => s.ack!.seq));
      await until(() => again.lastSeq >= target, "the cut device to reach the last ack", {
        everyMs: 50,
        timeoutMs: options.deadlineMs,
      });
      const seqs = resynced.map((m) => m.seq);
      const expected = Array.from({ length: (seqs.at(-1) ?? have) - have }, (_, i) => have + 1 + i);
      if (JSON.stringify(seqs) !== JSON.stringify(expected)) {
        throw new Error(`the cut device's resync is not gapless from ${have}: ${seqs.length} seqs`);
      }
      const byId = new Map(resynced.map((m) => [m.clientMsgId, m.seq]));
      const lost = acked.filter(
        (s) => s.ack!.seq > have && byId.get(s.ack!.clientMsgId) !== s.ack!.seq,
      );
      if (lost.length > 0) throw new Error(`the cut device's resync missed ${lost.length} acks`);
      return {
        recoveryMs,
        detail: {
          stalled_read_bytes: drained.bytes,
          stalled_offered_bytes: offered,
          cut_code: drained.close.code,
          resynced_from: have,
          resynced: seqs.length,
          edge_rss_growth_mb: Math.round(((rssPeak - rssBefore) / 1024 / 1024) * 10) / 10,
        },
      };
    } finally {
      again.close();
    }
  },
};

/** The highest seq such that every seq from 1 to it was among the frames read. */
function contiguousHead(frames: readonly ServerFrame[]): number {
  const seen = new Set<number>();
  for (const f of frames) {
    if (f.type === "sync_batch" || f.type === "messages")
      for (const m of f.messages) seen.add(m.seq);
    if (f.type === "message") seen.add(f.message.seq);
  }
  let head = 0;
  while (seen.has(head + 1)) head++;
  return head;
}
