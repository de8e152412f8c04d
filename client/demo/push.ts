// The demo's device: asks the browser for notification permission, subscribes with the edge's
// VAPID key through a service worker, registers the subscription as this user's device, and sends
// presence heartbeats while the page is open (so this device is online and gets no push while it
// shows the chat). Without permission the page still heartbeats under a local device id.
import { type ChatClient, PRESENCE_HEARTBEAT_MS } from "../src/index.ts";

const base64UrlToBytes = (text: string) =>
  Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));

let timer: ReturnType<typeof setInterval> | undefined;

/** Heartbeats as `deviceId` from now on (one loop per page). */
export function keepOnline(client: ChatClient, deviceId: string): void {
  if (timer) clearInterval(timer);
  const beat = () => client.heartbeat({ deviceId, offline: false }).catch(() => undefined);
  void beat();
  timer = setInterval(beat, PRESENCE_HEARTBEAT_MS);
  addEventListener("pagehide", () => {
    void client.heartbeat({ deviceId, offline: true }).catch(() => undefined);
  });
}

/** The device id this page heartbeats with: the registered one, else a stable local one. */
export function localDeviceId(userId: string): string {
  const key = `edge-chat:${userId}:device`;
  const known = localStorage.getItem(key);
  if (known) return known;
  const id = crypto.randomUUID();
  localStorage.setItem(key, id);
  return id;
}

/** Asks permission, subscribes, registers the device; returns its id (or why not). */
export async function enablePush(client: ChatClient, userId: string): Promise<string> {
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    throw new Error("this browser has no Web Push");
  }
  if ((await Notification.requestPermission()) !== "granted") {
    throw new Error("notifications were not allowed");
  }
  const { publicKey } = await client.webPushKey();
  const registration = await navigator.serviceWorker.register("/sw.js");
  await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  // `npm start` makes a new VAPID key per run: a subscription for an old key must be re-made.
  const oldKey = subscription?.options.applicationServerKey;
  const current = base64UrlToBytes(publicKey);
  if (subscription && (!oldKey || new Uint8Array(oldKey).join() !== current.join())) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: current,
  });
  const json = subscription.toJSON() as {
    endpoint: string;
    keys: { p256dh: string; auth: string };
  };
  const device = await client.registerDevice({
    name: navigator.userAgent.slice(0, 60) || "browser",
    role: "companion",
    push: { platform: "web", subscription: { endpoint: json.endpoint, keys: json.keys } },
  });
  localStorage.setItem(`edge-chat:${userId}:device`, device.deviceId);
  keepOnline(client, device.deviceId);
  return device.deviceId;
}
