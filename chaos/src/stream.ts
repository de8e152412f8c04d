// The bounded stream: every member of every conversation sends its share of `messages` through the
// SDK, `inFlight` at a time, while a scenario injects its fault. Each send is recorded with its ack
// (seq) once the edge has made it durable; sends still unacknowledged at the deadline are reported
// as such (they were never promised, so they cannot be lost).
import type { SendAck } from "@edge-chat/protocol";
import type { Conversation } from "./members.ts";

export interface Sent {
  conversationId: string;
  sender: string;
  text: string;
  ack?: SendAck;
  /** When the ack arrived (ms since epoch). */
  ackedAt?: number;
}

export interface Stream {
  readonly sent: Sent[];
  /** Acknowledged so far. */
  acked(): number;
  /** Resolves when every share is sent and acknowledged, or at the deadline (then `complete` is false). */
  done: Promise<{ complete: boolean }>;
}

export function startStream(
  list: readonly Conversation[],
  options: { messages: number; inFlight: number; deadlineMs: number; ratePerSec?: number },
): Stream {
  const sent: Sent[] = [];
  let acked = 0;
  const senders = list.flatMap((c) => c.members.map((m) => ({ c, m })));
  const share = Math.ceil(options.messages / senders.length);
  const started = Date.now();
  const deadline = started + options.deadlineMs;
  // Paced (steady load): send number n of the whole stream is due at started + n / rate.
  let scheduled = 0;
  const pace = async () => {
    if (options.ratePerSec === undefined) return;
    const due = started + (scheduled++ * 1000) / options.ratePerSec;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
  };
  const work = senders.map(async ({ c, m }) => {
    let next = 0;
    const worker = async () => {
      while (next < share && Date.now() < deadline) {
        await pace();
        if (next >= share) break;
        const record: Sent = {
          conversationId: c.id,
          sender: m.userId,
          text: `${m.userId} #${next++}`,
        };
        sent.push(record);
        const ack = await m.session.sendText(record.text);
        record.ack = ack;
        record.ackedAt = Date.now();
        acked++;
      }
    };
    await Promise.all(Array.from({ length: options.inFlight }, worker));
  });
  const all = Promise.all(work).then(() => ({ complete: true }));
  const timeout = new Promise<{ complete: boolean }>((resolve) =>
    setTimeout(() => resolve({ complete: false }), options.deadlineMs).unref(),
  );
  return { sent, acked: () => acked, done: Promise.race([all, timeout]) };
}
