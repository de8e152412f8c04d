// Each push provider against its real local endpoint (see endpoints.ts): what arrives is checked by
// the endpoint (VAPID JWT and RFC 8291 decryption, APNs JWT over HTTP/2 + TLS, FCM OAuth flow), and
// each provider's answers map to delivered / gone / retriable / permanent.
import { ChatError } from "@edge-chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { pushMessageOf } from "../../src/push/message.ts";
import { apnsProvider } from "../../src/push/providers/apns.ts";
import { fcmProvider } from "../../src/push/providers/fcm.ts";
import { webPushProvider, webPushTopic } from "../../src/push/providers/web-push.ts";
import { pushEvent } from "../fixtures.ts";
import {
  FCM_UNREGISTERED,
  startApnsServer,
  startFcmServer,
  startWebPushService,
} from "./endpoints.ts";

const event = pushEvent({
  count: 3,
  lastSeq: 12,
  senderId: "alice",
  lastMessageKind: "text",
  preview: "see you at 8",
  unread: 5,
  at: 1_700_000_000_000,
});
const message = pushMessageOf(event);

async function failure(promise: Promise<unknown>): Promise<ChatError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChatError);
  return error as ChatError;
}

describe("web push provider", () => {
  let service: Awaited<ReturnType<typeof startWebPushService>>;
  const vapid = webpush.generateVAPIDKeys();
  const provider = () =>
    webPushProvider({
      publicKey: vapid.publicKey,
      privateKey: vapid.privateKey,
      subject: "mailto:ops@edge-chat.example",
      timeoutMs: 5_000,
    });
  beforeAll(async () => {
    service = await startWebPushService();
  });
  afterAll(() => service.close());

  it("delivers a payload the subscription's private key decrypts, under a valid VAPID JWT", async () => {
    const client = service.subscribe();
    const outcome = await provider()
      .send({ platform: "web", subscription: client.subscription }, message)
      .catch((error: unknown) => error);
    expect(service.rejected).toEqual([]);
    expect(outcome).toBe("delivered");
    const got = service.received.find((r) => r.id === client.id);
    expect(got?.payload).toEqual(message.payload);
    expect(got?.vapid).toEqual({
      sub: "mailto:ops@edge-chat.example",
      aud: service.origin,
      publicKey: vapid.publicKey,
    });
    expect(got?.headers.topic).toBe(webPushTopic("d:alice:bob"));
    expect(got?.headers.ttl).toBe(String(message.ttlSeconds));
  });

  it("reports 410 and 404 as gone", async () => {
    const expired = service.subscribe();
    service.behaviours.set(expired.id, { kind: "fail", status: 410 });
    expect(
      await provider().send({ platform: "web", subscription: expired.subscription }, message),
    ).toBe("gone");
    const unknown = { ...expired.subscription, endpoint: `${service.origin}/push/nobody` };
    expect(await provider().send({ platform: "web", subscription: unknown }, message)).toBe("gone");
  });

  it("makes 429 and 5xx retriable and other refusals permanent", async () => {
    const busy = service.subscribe();
    service.behaviours.set(busy.id, { kind: "fail", status: 503 });
    const retriable = await failure(
      provider().send({ platform: "web", subscription: busy.subscription }, message),
    );
    expect(retriable.retriable).toBe(true);
    const wrong = service.subscribe();
    service.behaviours.set(wrong.id, { kind: "fail", status: 413 });
    const permanent = await failure(
      provider().send({ platform: "web", subscription: wrong.subscription }, message),
    );
    expect(permanent.retriable).toBe(false);
  });
});

describe("APNs provider", () => {
  let server: Awaited<ReturnType<typeof startApnsServer>>;
  let provider: ReturnType<typeof apnsProvider>;
  beforeAll(async () => {
    server = await startApnsServer();
    provider = apnsProvider({
      ...server.credentials,
      origins: { production: server.origin, sandbox: server.origin },
      ca: server.ca,
      timeoutMs: 5_000,
    });
  });
  afterAll(async () => {
    provider.close();
    await server.close();
  });
  const token = (n: number) => `${"ab".repeat(31)}${String(n).padStart(2, "0")}`;

  it("delivers over HTTP/2 with a valid provider JWT, topic, push type and collapse id", async () => {
    const outcome = await provider
      .send(
        { platform: "apns", token: token(1), topic: "com.example.chat", environment: "production" },
        message,
      )
      .catch((error: unknown) => error);
    expect(server.rejected).toEqual([]);
    expect(outcome).toBe("delivered");
    const got = server.received.find((r) => r.token === token(1));
    expect(got?.headers["apns-topic"]).toBe("com.example.chat");
    expect(got?.headers["apns-collapse-id"]).toBe("d:alice:bob");
    expect(got?.headers["apns-priority"]).toBe("10");
    expect(got?.body.aps.alert).toEqual({ title: "alice", body: "see you at 8 (+2)" });
    expect(got?.body.aps.badge).toBe(5);
    expect(got?.body.edgeChat).toEqual(message.payload);
  });

  it("reuses one provider token across requests", async () => {
    const before = server.tokensSeen.size;
    for (const n of [2, 3]) {
      await provider.send(
        { platform: "apns", token: token(n), topic: "com.example.chat", environment: "sandbox" },
        message,
      );
    }
    expect(server.tokensSeen.size).toBe(Math.max(before, 1));
  });

  it("reports Unregistered (410) and BadDeviceToken (400) as gone", async () => {
    server.behaviours.set(token(4), { kind: "fail", status: 410, body: "Unregistered" });
    server.behaviours.set(token(5), { kind: "fail", status: 400, body: "BadDeviceToken" });
    for (const n of [4, 5]) {
      const outcome = await provider.send(
        { platform: "apns", token: token(n), topic: "com.example.chat", environment: "production" },
        message,
      );
      expect(outcome).toBe("gone");
    }
  });

  it("makes 429/503 retriable and a bad payload permanent", async () => {
    server.behaviours.set(token(6), { kind: "fail", status: 429, body: "TooManyRequests" });
    server.behaviours.set(token(7), { kind: "fail", status: 400, body: "PayloadTooLarge" });
    const creds = (n: number) =>
      ({ platform: "apns", token: token(n), topic: "t", environment: "production" }) as const;
    expect((await failure(provider.send(creds(6), message))).retriable).toBe(true);
    expect((await failure(provider.send(creds(7), message))).retriable).toBe(false);
  });

  it("signs a fresh provider token after ExpiredProviderToken", async () => {
    const expiring = apnsProvider({
      ...server.credentials,
      origins: { production: server.origin, sandbox: server.origin },
      ca: server.ca,
      timeoutMs: 5_000,
      // A clock that moves a second per call, so the fresh token differs from the refused one.
      now: (() => {
        let t = 1_700_000_000_000;
        return () => (t += 1000);
      })(),
    });
    try {
      server.behaviours.set(token(8), {
        kind: "fail",
        status: 403,
        body: "ExpiredProviderToken",
        times: 1,
      });
      const creds = {
        platform: "apns",
        token: token(8),
        topic: "t",
        environment: "production",
      } as const;
      const before = server.tokensSeen.size;
      expect((await failure(expiring.send(creds, message))).retriable).toBe(true);
      expect(await expiring.send(creds, message)).toBe("delivered");
      expect(server.tokensSeen.size).toBe(before + 2);
    } finally {
      expiring.close();
    }
  });
});

describe("FCM provider", () => {
  let server: Awaited<ReturnType<typeof startFcmServer>>;
  let provider: ReturnType<typeof fcmProvider>;
  beforeAll(async () => {
    server = await startFcmServer();
    provider = fcmProvider({ account: server.account, origin: server.origin, timeoutMs: 5_000 });
  });
  afterAll(() => server.close());

  it("gets an access token by the JWT-bearer grant and delivers with it", async () => {
    expect(await provider.send({ platform: "fcm", token: "fcm-1" }, message)).toBe("delivered");
    expect(await provider.send({ platform: "fcm", token: "fcm-2" }, message)).toBe("delivered");
    expect(server.rejected).toEqual([]);
    expect(server.tokenRequests()).toBe(1);
    const got = server.received.find((r) => r.token === "fcm-1");
    expect(JSON.parse(got?.message.data.edgeChat ?? "null")).toEqual(message.payload);
    expect(got?.message.notification).toEqual(message.alert);
    expect(got?.message.android.collapse_key).toBe("d:alice:bob");
  });

  it("reports UNREGISTERED as gone", async () => {
    server.behaviours.set("fcm-gone", { kind: "fail", status: 404, body: FCM_UNREGISTERED });
    expect(await provider.send({ platform: "fcm", token: "fcm-gone" }, message)).toBe("gone");
  });

  it("refreshes the access token after a 401", async () => {
    server.issued.clear();
    const before = server.tokenRequests();
    expect((await failure(provider.send({ platform: "fcm", token: "fcm-3" }, message))).code).toBe(
      "unavailable",
    );
    expect(await provider.send({ platform: "fcm", token: "fcm-3" }, message)).toBe("delivered");
    expect(server.tokenRequests()).toBe(before + 1);
  });

  it("makes 503 retriable with its Retry-After, and INVALID_ARGUMENT permanent", async () => {
    server.behaviours.set("fcm-busy", {
      kind: "fail",
      status: 503,
      body: { error: { status: "UNAVAILABLE" } },
    });
    server.behaviours.set("fcm-bad", {
      kind: "fail",
      status: 400,
      body: { error: { status: "INVALID_ARGUMENT" } },
    });
    expect(
      (await failure(provider.send({ platform: "fcm", token: "fcm-busy" }, message))).retriable,
    ).toBe(true);
    expect(
      (await failure(provider.send({ platform: "fcm", token: "fcm-bad" }, message))).retriable,
    ).toBe(false);
  });
});
