// The demo's service worker: shows each push from the notifier (one per conversation: the tag
// replaces the previous one) and focuses the page when it is clicked.
self.addEventListener("push", (event) => {
  const data = event.data ? event.data.json() : {};
  const title = data.kind === "group" ? (data.name ?? "Group") : (data.senderId ?? "New message");
  const count = data.count > 1 ? ` (+${data.count - 1})` : "";
  const body =
    data.preview !== undefined ? `${data.preview}${count}` : `${data.count ?? 1} new message(s)`;
  event.waitUntil(
    self.registration.showNotification(title, { body, tag: data.conversationId, data }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(
    self.clients
      .matchAll({ type: "window" })
      .then((windows) => (windows.length > 0 ? windows[0].focus() : self.clients.openWindow("/"))),
  );
});
