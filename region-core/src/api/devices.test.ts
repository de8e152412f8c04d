// The device registry and push intake over HTTP (embedded adapters): register, list (without
// credentials), rename, remove, the per-user limit, same credentials updating instead of adding,
// typed errors for bad input, and POST /v1/push publishing to the push topic keyed by user.
import { DeviceList, DeviceSummary, ErrorResponse } from "@edge-chat/protocol";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { pushEvent, serviceToken } from "../../test/fixtures.ts";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { memoryDevices, memoryNotificationSettings } from "../devices/memory.ts";
import type { OutgoingRecord } from "../events/ports.ts";
import { s3MediaStore } from "../media/s3.ts";
import { createMetrics } from "../metrics.ts";
import { memoryRepositories } from "../repositories/memory.ts";

let jwks: string;
let authorization: string;

beforeAll(async () => {
  const keys = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  jwks = JSON.stringify({ keys: [(await exportJWK(keys.publicKey)) as JWK] });
  authorization = `Bearer ${await serviceToken(keys.privateKey)}`;
});

function appWith(published: OutgoingRecord[] = []) {
  const { auth, media } = loadConfig({ SERVICE_JWKS: jwks });
  const repository = memoryDevices();
  const app = createApp({
    regionId: "t",
    auth,
    publisher: { publish: async () => {} },
    repositories: memoryRepositories(),
    metrics: createMetrics("t"),
    media: { ...media, store: s3MediaStore(media.s3) },
    devices: {
      repository,
      limits: { phones: 1, companions: 2 },
      settings: memoryNotificationSettings(),
    },
    pushPublisher: { publish: async (records) => void published.push(...records) },
    accepting: () => true,
  });
  return { app, repository };
}

const send = (method: string, body?: unknown) => ({
  method,
  headers: { authorization, "content-type": "application/json" },
  ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
});

const webPush = (n: number) => ({
  platform: "web",
  subscription: {
    endpoint: `https://push.example/sub/${n}`,
    keys: { p256dh: `B${"A".repeat(86)}`, auth: "A".repeat(22) },
  },
});

async function errorCode(res: Response): Promise<string> {
  return ErrorResponse.parse(await res.json()).error.code;
}

describe("device registry API", () => {
  it("registers, lists without credentials, renames and removes", async () => {
    const { app, repository } = appWith();
    const res = await app.request(
      "/v1/users/bob/devices",
      send("POST", { name: "Firefox", push: webPush(1) }),
    );
    expect(res.status).toBe(201);
    const created = DeviceSummary.parse(await res.json());
    expect(created).toMatchObject({ name: "Firefox", role: "companion", platform: "web" });
    expect((await repository.get("bob", created.deviceId))?.push).toEqual(webPush(1));

    const list = DeviceList.parse(
      await (await app.request("/v1/users/bob/devices", send("GET"))).json(),
    );
    expect(list.devices.map((d) => d.deviceId)).toEqual([created.deviceId]);
    expect(JSON.stringify(list)).not.toContain("push.example");

    const renamed = await app.request(
      `/v1/users/bob/devices/${created.deviceId}`,
      send("PATCH", { name: "Work laptop" }),
    );
    expect(DeviceSummary.parse(await renamed.json()).name).toBe("Work laptop");

    const removed = await app.request(`/v1/users/bob/devices/${created.deviceId}`, send("DELETE"));
    expect(removed.status).toBe(204);
    expect(await repository.list("bob")).toEqual([]);
    const again = await app.request(`/v1/users/bob/devices/${created.deviceId}`, send("DELETE"));
    expect(again.status).toBe(404);
  });

  it("enforces the per-user limit per role and updates a device that registers the same credentials", async () => {
    const { app } = appWith();
    const register = (body: unknown) => app.request("/v1/users/bob/devices", send("POST", body));
    expect((await register({ name: "a", push: webPush(1) })).status).toBe(201);
    const first = DeviceSummary.parse(
      await (await register({ name: "a2", push: webPush(1) })).json(),
    );
    expect(first.name).toBe("a2");
    expect((await register({ name: "b", push: webPush(2) })).status).toBe(201);
    const third = await register({ name: "c", push: webPush(3) });
    expect(third.status).toBe(409);
    expect(await errorCode(third)).toBe("conflict");
    // Companions are full, but the phone slot is free.
    const phone = await register({
      name: "iPhone",
      role: "phone",
      push: { platform: "apns", token: "ab".repeat(32), topic: "com.example.chat" },
    });
    expect(DeviceSummary.parse(await phone.json())).toMatchObject({
      role: "phone",
      platform: "apns",
    });
    expect((await register({ name: "Pixel", role: "phone" })).status).toBe(409);
  });

  it("answers typed 400s for bad input and 404 for another user's device", async () => {
    const { app } = appWith();
    for (const body of ["{", { name: "" }, { name: "x", push: { platform: "web" } }]) {
      const res = await app.request("/v1/users/bob/devices", send("POST", body));
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe("invalid_request");
    }
    const created = DeviceSummary.parse(
      await (await app.request("/v1/users/bob/devices", send("POST", { name: "x" }))).json(),
    );
    const res = await app.request(`/v1/users/eve/devices/${created.deviceId}`, send("DELETE"));
    expect(res.status).toBe(404);
    expect((await app.request("/v1/users/bob/devices/not-a-uuid", send("DELETE"))).status).toBe(
      400,
    );
  });
});

describe("notification settings API", () => {
  it("answers the defaults, stores a valid document, refuses an invalid one", async () => {
    const { app } = appWith();
    const get = async () =>
      (await app.request("/v1/users/bob/notification-settings", send("GET"))).json();
    expect(await get()).toEqual({ previews: true, muted: {} });
    const settings = { previews: false, doNotDisturb: { until: 5 }, muted: { "g:team": {} } };
    const put = await app.request("/v1/users/bob/notification-settings", send("PUT", settings));
    expect(put.status).toBe(200);
    expect(await get()).toEqual(settings);
    const bad = await app.request(
      "/v1/users/bob/notification-settings",
      send("PUT", { muted: { "not a conversation": {} } }),
    );
    expect(bad.status).toBe(400);
  });
});

describe("POST /v1/push", () => {
  it("publishes each event keyed by its user, and refuses invalid ones", async () => {
    const published: OutgoingRecord[] = [];
    const { app } = appWith(published);
    // Regression: presence ids of unregistered devices are not UUIDs (npm start refused these).
    const event = pushEvent({ skipDeviceIds: ["bobs-tab"] });
    const res = await app.request("/v1/push", send("POST", { events: [event] }));
    expect(await res.json()).toEqual({ accepted: 1 });
    expect(published.map((r) => r.key)).toEqual(["bob"]);
    expect(JSON.parse(String(published[0]?.value))).toEqual(event);
    const bad = await app.request("/v1/push", send("POST", { events: [{ ...event, count: 0 }] }));
    expect(bad.status).toBe(400);
  });

  it("requires the service token", async () => {
    const { app } = appWith();
    const res = await app.request("/v1/users/bob/devices");
    expect(res.status).toBe(401);
  });
});
