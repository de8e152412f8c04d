// Builders for valid protocol values, shared by unit, contract and integration tests.
import { randomUUID } from "node:crypto";
import {
  type IngestBatch,
  type Member,
  type Message,
  type PushEvent,
  type RegionEvent,
  SERVICE_TOKEN,
} from "@edge-chat/protocol";
import { type CryptoKey, type KeyObject, SignJWT } from "jose";

export function message(conversationId: string, seq: number, senderId = "alice"): Message {
  return {
    conversationId,
    seq,
    messageId: randomUUID(),
    clientMsgId: `c-${seq}`,
    senderId,
    content: { kind: "text", text: `message ${seq}` },
    serverTs: 1_700_000_000_000 + seq,
  };
}

export function messageEvent(conversationId: string, seq: number, senderId = "alice"): RegionEvent {
  return { type: "message", message: message(conversationId, seq, senderId) };
}

export function member(userId: string, joinedAt = 1_700_000_000_000): Member {
  return { userId, role: "member", joinedAt };
}

export function membershipEvent(
  conversationId: string,
  userIds: string[],
  asOfSeq: number,
  removed: string[] = [],
): Extract<RegionEvent, { type: "membership" }> {
  return {
    type: "membership",
    conversationId,
    kind: conversationId.startsWith("d:") ? "direct" : "group",
    ...(conversationId.startsWith("g:") ? { name: `group ${asOfSeq}` } : {}),
    createdAt: 1_700_000_000_000,
    members: userIds.map((userId) => member(userId)),
    removed,
    asOfSeq,
  };
}

export function receiptEvent(
  conversationId: string,
  userId: string,
  deliveredUpTo: number,
  readUpTo: number,
): Extract<RegionEvent, { type: "receipt" }> {
  return {
    type: "receipt",
    conversationId,
    userId,
    deliveredUpTo,
    readUpTo,
    at: 1_700_000_100_000,
  };
}

export function batch(conversationId: string, events: RegionEvent[]): IngestBatch {
  return { batchId: randomUUID(), conversationId, events };
}

/** A conversation id unique to this test run, so reruns never collide. */
export function uniqueGroup(label: string): string {
  return `g:${label}-${randomUUID().slice(0, 8)}`;
}

/** Polls `check` until it returns true (no timed assertions: the test's timeout bounds the wait). */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  everyMs = 50,
): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, everyMs));
}

/** A service token as the edge signs it (EdDSA, the protocol's issuer, audience and lifetime). */
export function serviceToken(key: CryptoKey | KeyObject): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: SERVICE_TOKEN.algorithm })
    .setIssuer(SERVICE_TOKEN.issuer)
    .setAudience(SERVICE_TOKEN.audience)
    .setIssuedAt()
    .setExpirationTime(`${SERVICE_TOKEN.ttlSeconds}s`)
    .sign(key);
}

/** A valid push event for `userId` in a direct chat with alice; override any field. */
export function pushEvent(overrides: Partial<PushEvent> = {}): PushEvent {
  return {
    type: "push",
    pushId: "0b7f3c1e-8d0a-4c55-9a61-2f3e4d5c6b7a",
    userId: "bob",
    conversationId: "d:alice:bob",
    kind: "direct",
    count: 1,
    lastSeq: 1,
    unread: 1,
    at: 1,
    skipDeviceIds: [],
    ...overrides,
  };
}
