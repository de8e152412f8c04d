// The demo page's wiring: sign in with a dev token, follow the conversation list live through the
// inbox socket (sidebar), open a direct chat or a group, and show the conversation through the SDK
// (statuses, typing, connection state, the peer's presence, images). Served by the edge Worker as
// static assets, so the SDK talks to the page's own origin.
import { type ChatError, isChange } from "@edge-chat/protocol";
import {
  ChatClient,
  type ConversationSession,
  fetchDevToken,
  MessageList as FoldedMessages,
  type InboxEntry,
  type InboxSession,
  type MediaUpload,
  newClientMsgId,
  PRESENCE_HEARTBEAT_MS,
  type Presence,
  WebStorageOfflineQueueStore,
} from "../src/index.ts";
import { enablePush, keepOnline, localDeviceId } from "./push.ts";
import { peerOf, renderConversations, titleOf, when } from "./sidebar.ts";
import { xhrUploader } from "./media-view.ts";
import { MessageList } from "./view.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const baseUrl = location.origin;

let client: ChatClient | undefined;
let me: string | undefined;
let session: ConversationSession | undefined;
let inbox: InboxSession | undefined;
/** The other member of the open direct chat, whose presence the header shows. */
let peer: string | undefined;
/**
 * Live presence updates of the peer so far: the header's one-off presence read is dropped when one
 * arrived while it was in flight (a block's hidden presence must not be overwritten by an answer
 * computed before it).
 */
let peerPresenceUpdates = 0;
/** Direct peers' presence, for the list's dots: asked once per peer, then kept live by the inbox. */
const presences = new Map<string, boolean>();
const list = new MessageList($<HTMLOListElement>("messages"), (objectKey) =>
  client && session ? client.mediaUrl(session.conversationId, objectKey) : Promise.reject(),
);

/** What a person reads for each protocol error code (the raw code stays in the title). */
const FRIENDLY: Record<string, string> = {
  not_found: "That chat does not exist, or you are not in it.",
  invalid_request: "That did not look right. Check what you typed.",
  unauthenticated: "Your session expired. Sign in again.",
  forbidden: "Only a group admin can do that.",
  not_sender: "You can only change your own messages.",
  window_expired: "Too late to change that message.",
  message_deleted: "That message was deleted.",
  blocked: "You cannot write here: one of you blocked the other.",
  conflict: "That is already the case.",
  rate_limited: "Slow down a little: too many messages at once.",
  content_too_large: "That message or file is too large.",
  unavailable: "The service is busy. Trying again shortly.",
  frame_too_large: "That message is too large.",
  unsupported_version: "This page is out of date. Reload it.",
  internal: "Something went wrong on our side.",
  permanent_failure: "Something went wrong on our side.",
};

function showError(error: unknown): void {
  const chatError = error as Partial<ChatError>;
  const box = $("error");
  box.textContent = chatError.code
    ? (FRIENDLY[chatError.code] ?? chatError.message ?? chatError.code)
    : "Cannot reach the server.";
  box.title = chatError.code ? `${chatError.code}: ${chatError.message}` : String(error);
}

function clearError(): void {
  $("error").textContent = "";
  $("error").title = "";
}

const STATE_TEXT: Record<string, string> = {
  idle: "not connected",
  connecting: "connecting…",
  open: "connected",
  reconnecting: "reconnecting…",
  closed: "disconnected",
};

function setState(state: string, detail = ""): void {
  const badge = $("state");
  badge.dataset.state = state;
  const text = STATE_TEXT[state] ?? state;
  badge.textContent = detail ? `${text} (${detail})` : text;
}

async function signIn(userId: string): Promise<void> {
  const token = await fetchDevToken(baseUrl, userId);
  me = userId;
  client = new ChatClient({
    baseUrl,
    // Dev tokens are long-lived; a real app would refresh here when the token nears expiry.
    getToken: async () => token,
    // Unsent messages survive a reload: they are resent with the same id when the page comes back.
    storage: new WebStorageOfflineQueueStore(localStorage, `edge-chat:${userId}:outbox:`),
  });
  localStorage.setItem("edge-chat:user", userId);
  $("me").textContent = userId;
  $("login").hidden = true;
  $("layout").hidden = false;
  $("sign-out").hidden = false;
  // One inbox socket for the page: the live list, and what makes me "online" for my peers.
  inbox = client.openInbox();
  // With no chat open, the badge is the inbox socket's state (live updates arrive through it).
  inbox.on("state", ({ state }) => {
    if (!session) setState(state);
  });
  const redraw = () => renderSidebar();
  // Presence labels once the list is known and for a chat that just appeared (the interval below
  // only refreshes every 20 s: a new group would show nobody online until then).
  inbox.on("list", () => {
    refreshPresence();
    redraw();
  });
  inbox.on("update", (entry) => {
    if (!presenceAsked.has(entry.conversationId)) refreshPresence([entry]);
    redraw();
  });
  inbox.on("removed", redraw);
  inbox.on("typing", redraw);
  inbox.on("presence", (presence) => {
    if (presence.userId === peer) showLivePresence(presence);
    presences.set(presence.userId, presence.online);
    renderSidebar();
  });
  // This page is a device: online while open (no push here), and can register for Web Push.
  keepOnline(client, localDeviceId(userId));
  const notify = $<HTMLButtonElement>("notify");
  notify.hidden = false;
  notify.onclick = () => {
    if (!client || !me) return;
    enablePush(client, me)
      .then(() => {
        notify.textContent = "notifications on";
        notify.disabled = true;
      })
      .catch(showError);
  };
  refreshPresence();
  setInterval(refreshPresence, PRESENCE_HEARTBEAT_MS);
}

/**
 * The open group's newest name from its own `renamed` events (seq order, so the last one wins):
 * its header and row follow a rename at once, before the inbox's row learns of it. Reset on each
 * open, so a rename made while the chat was closed is the inbox's to show.
 */
let renamedTo: string | undefined;

/** Who is online in each listed conversation (the first 20), for the sidebar. */
const presenceLabels = new Map<string, string>();
/** Conversations whose presence was asked for at least once. */
const presenceAsked = new Set<string>();
function refreshPresence(entries = inbox?.conversations.slice(0, 20) ?? []): void {
  if (!inbox || !client) return;
  const api = client;
  for (const entry of entries) {
    presenceAsked.add(entry.conversationId);
    api
      .conversationPresence(entry.conversationId)
      .then((members) => {
        const online = members.filter((m) => m.online).length;
        const label =
          online === 0 ? undefined : entry.kind === "direct" ? "online" : `${online} online`;
        if (label) presenceLabels.set(entry.conversationId, label);
        else presenceLabels.delete(entry.conversationId);
        renderSidebar();
      })
      .catch(() => undefined);
  }
}

function renderSidebar(): void {
  if (!inbox || !me) return;
  $("no-chats").hidden = inbox.conversations.length > 0;
  // A group opened right after it was created has no row yet (the inbox learns of it within a
  // tick), and a group can be renamed: the header follows the row's name.
  if (session) {
    const id = session.conversationId;
    const name = renamedTo ?? inbox.conversation(id)?.name;
    $("title").textContent = titleOf(session.conversationId, me, name);
  }
  askPresences(inbox.conversations, me);
  const open = (entry: InboxEntry) => {
    clearError();
    openConversation(entry.conversationId).catch(showError);
  };
  const openId = session?.conversationId;
  renderConversations(
    $<HTMLOListElement>("conversations"),
    renamedTo === undefined
      ? inbox.conversations
      : inbox.conversations.map((e) =>
          e.conversationId === openId ? { ...e, name: renamedTo } : e,
        ),
    me,
    session?.conversationId,
    open,
    presences,
    (entry) => presenceLabels.get(entry.conversationId),
  );
  document.title = inbox.unreadTotal > 0 ? `(${inbox.unreadTotal}) edge-chat` : "edge-chat";
  showListTyping();
}

/**
 * "typing…" instead of the preview in the list while a direct chat's peer types, "alice is
 * typing…" while a small group's members do (the inbox's frames).
 */
function showListTyping(): void {
  if (!inbox) return;
  const rows = $("conversations").children;
  inbox.conversations.forEach((entry, index) => {
    const preview = rows[index]?.querySelector<HTMLElement>(".preview");
    const typists = inbox!.typists(entry.conversationId);
    if (!preview) return;
    preview.classList.toggle("typing", typists.length > 0);
    if (typists.length === 0) return;
    preview.textContent =
      entry.kind === "direct"
        ? "typing…"
        : `${typists.join(", ")} ${typists.length === 1 ? "is" : "are"} typing…`;
  });
}

/** Asks the presence of direct peers not asked yet (the inbox socket reports changes after). */
function askPresences(entries: readonly InboxEntry[], self: string): void {
  for (const entry of entries.slice(0, 50)) {
    const other = peerOf(entry.conversationId, self);
    if (!other || presences.has(other) || !client) continue;
    presences.set(other, false);
    client
      .presence(other)
      .then((presence) => {
        presences.set(other, presence.online);
        renderSidebar();
      })
      .catch(() => {});
  }
}

function showLivePresence(presence: Presence): void {
  peerPresenceUpdates++;
  showPresence(presence);
}

function showPresence(presence: Presence | undefined): void {
  $("presence").textContent = !presence
    ? ""
    : presence.online
      ? "online"
      : presence.lastSeenAt
        ? `last seen ${when(presence.lastSeenAt)}`
        : "offline";
}

/** `name`: a group's name when the caller knows it before the list does (just made or joined). */
async function openConversation(conversationId: string, name?: string): Promise<void> {
  if (!client || !me) return;
  session?.close();
  list.clear();
  renamedTo = undefined;
  const entry = inbox?.conversation(conversationId);
  $("title").textContent = titleOf(conversationId, me, entry?.name ?? name);
  // Direct chats show the peer's presence: asked once here, then kept live by the inbox socket.
  peer = peerOf(conversationId, me);
  showPresence(undefined);
  if (peer) {
    const asked = peer;
    const updatesBefore = peerPresenceUpdates;
    client
      .presence(asked)
      .then((presence) => {
        if (peer === asked && peerPresenceUpdates === updatesBefore) showPresence(presence);
      })
      .catch(() => showPresence(undefined));
  }
  $("placeholder").hidden = true;
  $("conversation").hidden = false;
  $("layout").classList.add("chatting");
  list.group = !peer;
  // Block is for direct chats; its label is this page's knowledge (a reload starts at "Block").
  const block = $<HTMLButtonElement>("block");
  block.hidden = !peer;
  block.textContent = blockedChats.has(conversationId) ? "Unblock" : "Block";
  // Group administration is for groups (the region refuses non-admins with `forbidden`).
  $("group-admin").hidden = !!peer;
  location.hash = encodeURIComponent(conversationId);
  // Delivered receipts name this device, so a push later skips it for what it already showed.
  const current = client.open(conversationId, { deviceId: localDeviceId(me) });
  session = current;
  renderSidebar();
  setState("connecting");

  current.on("state", ({ state, retryInMs, error }) => {
    setState(state, retryInMs !== undefined ? `retry in ${Math.round(retryInMs)} ms` : "");
    if (state === "open") {
      clearError(); // whatever went wrong while reconnecting is over
      void refreshReceipts(current);
    }
    if (state === "closed" && error) {
      showError(error);
      // An unknown id or a chat I am not in: back to the list instead of an empty chat.
      if (error.code === "not_found") closeConversation();
    }
  });
  // Changes (edit, delete, reaction) fold into the messages they target, as history has them.
  const folded = new FoldedMessages();
  current.on("message", (message) => {
    const touched = folded.apply(message);
    if (isChange(message)) {
      for (const m of touched) list.update(m);
    } else {
      if (message.content.kind === "system" && message.content.system.event === "renamed") {
        renamedTo = message.content.system.name;
        renderSidebar();
      }
      list.showMessage(message, current.userId ?? me);
      list.update(message);
    }
    if (document.visibilityState === "visible") markRead(current);
  });
  current.on("hidden", (seqs) => list.hide(seqs));
  // A block or unblock corrects the peer's presence at once (the chat's own socket says so).
  current.on("presence", (presence) => {
    if (presence.userId === peer) showLivePresence(presence);
  });
  current.on("ack", (ack) => list.acked(ack.clientMsgId, ack.seq));
  current.on("status", ({ status, upToSeq }) => list.status(status, upToSeq));
  current.on("typing", ({ typists }) => {
    $("typing").textContent =
      typists.length === 0
        ? ""
        : `${typists.join(", ")} ${typists.length === 1 ? "is" : "are"} typing…`;
  });
  current.on("error", (error) => {
    if (error.code !== "unauthenticated") showError(error);
  });

  await current.ready();
  for (const pending of current.pending())
    list.showPending(pending.clientMsgId, pending.content, me);
}

/** Statuses arrive as changes; after (re)connecting, ask where the others are for my newest seq. */
async function refreshReceipts(current: ConversationSession): Promise<void> {
  if (current.lastSeq === 0) return;
  try {
    const info = await current.messageInfo(current.lastSeq);
    const others = info.members.filter((m) => m.userId !== current.userId);
    if (others.length === 0) return;
    list.status("delivered", Math.min(...others.map((m) => m.deliveredUpTo)));
    list.status("read", Math.min(...others.map((m) => m.readUpTo)));
  } catch {
    // Best effort: live status frames keep the ticks right from here on.
  }
}

function markRead(current: ConversationSession): void {
  if (current.lastSeq > 0) current.markRead(current.lastSeq).catch(showError);
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  start($<HTMLInputElement>("user-id").value.trim());
});

/** Shows one of the two "new" forms (or none), focused and empty. */
function showForm(id: "direct-form" | "group-form" | undefined): void {
  for (const form of ["direct-form", "group-form"] as const) {
    const element = $<HTMLFormElement>(form);
    element.hidden = form !== id;
    if (form === id) {
      element.reset();
      element.querySelector("input")?.focus();
    }
  }
}
$("new-direct").addEventListener("click", () => showForm("direct-form"));
$("new-group").addEventListener("click", () => showForm("group-form"));
for (const cancel of document.querySelectorAll(".cancel")) {
  cancel.addEventListener("click", () => showForm(undefined));
}

$("direct-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearError();
  const peer = $<HTMLInputElement>("peer-id").value.trim();
  if (peer === me) return showError({ code: "invalid_request" });
  client
    ?.createDirect(peer)
    .then((c) => {
      showForm(undefined);
      return openConversation(c.conversationId);
    })
    .catch(showError);
});

$("group-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearError();
  const name = $<HTMLInputElement>("group-name").value.trim();
  const memberIds = $<HTMLInputElement>("group-members")
    .value.split(",")
    .map((m) => m.trim())
    .filter(Boolean);
  client
    ?.createGroup({ name, memberIds })
    .then((c) => {
      showForm(undefined);
      return openConversation(c.conversationId, c.name);
    })
    .catch(showError);
});

/** Back to the list: closing a chat is not an error, so the badge shows the inbox's state again. */
function closeConversation(): void {
  session?.close();
  session = undefined;
  renamedTo = undefined;
  peer = undefined;
  list.clear();
  renderSidebar();
  setState(inbox?.state ?? "idle");
  $("conversation").hidden = true;
  $("placeholder").hidden = false;
  $("layout").classList.remove("chatting");
  history.replaceState(null, "", location.pathname);
}
$("leave").addEventListener("click", closeConversation);

$("sign-out").addEventListener("click", () => {
  closeConversation();
  inbox?.close();
  inbox = undefined;
  client = undefined;
  me = undefined;
  presences.clear();
  localStorage.removeItem("edge-chat:user");
  $("layout").hidden = true;
  $("sign-out").hidden = true;
  $("login").hidden = false;
  $("me").textContent = "";
  $<HTMLFormElement>("login-form").reset();
  setState("idle");
});

const text = $<HTMLInputElement>("text");
text.addEventListener("input", () => session?.typing(text.value ? "start" : "stop"));
text.addEventListener("blur", () => session?.typing("stop"));

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const current = session;
  const value = text.value.trim();
  if (!current || !me || !value) return;
  clearError(); // a new attempt: an older refusal no longer applies
  text.value = "";
  current.typing("stop");
  // Our own id, so the bubble shows as pending now and turns into the sequenced message later.
  const clientMsgId = newClientMsgId();
  list.showPending(clientMsgId, { kind: "text", text: value }, me);
  current.sendText(value, { clientMsgId }).catch((error: unknown) => {
    // The SDK gave up on it (a retriable failure is retried, not reported here).
    list.dropPending(clientMsgId);
    showError(error);
  });
});

// Sending media: upload straight to storage (with progress), have the region verify it (type from
// the bytes, thumbnail, placeholder, duration), then send a message that references it.
const picker = $<HTMLInputElement>("image");
$("attach").addEventListener("click", () => picker.click());
picker.addEventListener("change", () => {
  const file = picker.files?.[0];
  picker.value = "";
  if (file)
    sendMedia(file)
      .catch(showError)
      .finally(() => progress(undefined));
});

function progress(fraction: number | undefined): void {
  const bar = $<HTMLProgressElement>("upload-progress");
  bar.hidden = fraction === undefined;
  if (fraction !== undefined) bar.value = fraction;
  // The last fraction stays readable after the bar hides (a browser test checks it reached 1).
  if (fraction !== undefined) bar.dataset.last = fraction.toFixed(2);
}

/** A video's size from its metadata, for when the region can make no poster frame. */
function videoSize(file: File): Promise<{ width?: number; height?: number }> {
  return new Promise((resolve) => {
    const video = document.createElement("video");
    video.preload = "metadata";
    const url = URL.createObjectURL(file);
    const done = (size: { width?: number; height?: number }) => {
      URL.revokeObjectURL(url);
      resolve(size);
    };
    video.addEventListener("loadedmetadata", () =>
      done(video.videoWidth > 0 ? { width: video.videoWidth, height: video.videoHeight } : {}),
    );
    video.addEventListener("error", () => done({}));
    video.src = url;
  });
}

async function sendMedia(file: File): Promise<void> {
  const current = session;
  if (!client || !current || !me) return;
  const kind = file.type.split("/")[0];
  if (kind !== "image" && kind !== "audio" && kind !== "video") {
    throw new Error(`cannot send ${file.type || "this file"}`);
  }
  progress(0);
  const options = {
    uploader: xhrUploader,
    onProgress: (sent: number, total: number) => progress(sent / total),
  };
  const upload: MediaUpload =
    kind === "video"
      ? { kind, mime: file.type, data: file, ...(await videoSize(file)) }
      : { kind, mime: file.type, data: file };
  const content = await client.uploadMedia(current.conversationId, upload, options);
  const clientMsgId = newClientMsgId();
  list.showPending(clientMsgId, content, me);
  await current.send(content, { clientMsgId });
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && session) markRead(session);
});

/** Signs in, then reopens the chat named in the address (a reload keeps you where you were). */
function start(userId: string): void {
  clearError();
  signIn(userId)
    .then(() => {
      const hash = decodeURIComponent(location.hash.slice(1));
      if (hash) return openConversation(hash);
    })
    .catch(showError);
}

// Stay signed in across reloads (the dev token is minted again for the remembered user).
const remembered = localStorage.getItem("edge-chat:user");
if (remembered) start(remembered);

// Message actions: click a message, then pick reply, edit, delete (for everyone or for me) or a
// reaction.
$("messages").addEventListener("click", (event) => {
  const item = (event.target as HTMLElement).closest<HTMLElement>("li[data-seq]");
  const current = session;
  if (!item || !current) return;
  const seq = Number(item.dataset.seq);
  const choice = prompt(
    "r = reply, e = edit, d = delete for everyone, m = delete for me, or an emoji to react (- removes)",
  );
  if (!choice) return;
  const act = async () => {
    if (choice === "r") {
      const reply = prompt("reply")?.trim();
      if (!reply || !me) return;
      const clientMsgId = newClientMsgId();
      list.showPending(clientMsgId, { kind: "text", text: reply }, me);
      await current.sendText(reply, { clientMsgId, replyToSeq: seq }).catch((error: unknown) => {
        list.dropPending(clientMsgId);
        throw error;
      });
    } else if (choice === "e") {
      const text = prompt("new text");
      if (text) await current.edit(seq, text);
    } else if (choice === "d") await current.deleteForEveryone(seq);
    else if (choice === "m") await current.deleteForMe(seq);
    else await current.react(seq, choice === "-" ? null : choice);
  };
  act().catch((error: unknown) => showError(error));
});

// Mute: minutes, empty for "until I unmute", "u" to unmute (a mention still notifies).
$("mute").addEventListener("click", () => {
  const current = session;
  if (!client || !current) return;
  const choice = prompt("Mute for how many minutes? (empty: until unmuted, u: unmute)");
  if (choice === null) return;
  const api = client;
  const act = async () => {
    if (choice.trim() === "u") await api.unmute(current.conversationId);
    else if (choice.trim() === "") await api.mute(current.conversationId);
    else await api.mute(current.conversationId, Date.now() + Number(choice) * 60_000);
  };
  act().catch(showError);
});

// Invite: an admin makes a token and copies it; anyone pastes it under "Join".
$("invite").addEventListener("click", () => {
  const current = session;
  if (!client || !current) return;
  client
    .createInvite(current.conversationId)
    .then(async ({ token }) => {
      await navigator.clipboard?.writeText(token).catch(() => undefined);
      prompt("Invite token (copied): share it, then Join with it", token);
    })
    .catch(showError);
});

$("join-invite").addEventListener("click", () => {
  const token = prompt("Invite token")?.trim();
  if (!client || !token) return;
  client
    .joinByInvite(token)
    .then((c) => openConversation(c.conversationId, c.name))
    .catch(showError);
});

// Group administration (admins; anyone else is refused with `forbidden`): rename, description,
// promote or demote a member, toggle "only admins can send", and revoke the group's invite links. Each change arrives in the chat
// as a system message, and a rename also through the list (the header follows the row's name).
$("group-admin").addEventListener("click", () => {
  const current = session;
  if (!client || !current) return;
  const choice = prompt(
    "n = rename, d = description, a = make a member admin, m = make an admin a member, o = toggle “only admins can send”, r = revoke the invite links",
  )?.trim();
  if (!choice) return;
  const api = client;
  const id = current.conversationId;
  const act = async () => {
    if (choice === "n") {
      const name = prompt("New group name")?.trim();
      if (name) await api.updateGroup(id, { name });
    } else if (choice === "d") {
      const description = prompt("Group description (empty clears it)");
      if (description !== null && description !== undefined)
        await api.updateGroup(id, { description: description.trim() });
    } else if (choice === "a" || choice === "m") {
      const userId = prompt(
        choice === "a" ? "Make which member an admin?" : "Make which admin a member?",
      )?.trim();
      if (userId) await api.setRole(id, userId, choice === "a" ? "admin" : "member");
    } else if (choice === "o") {
      // The current policy from the region, so the toggle never acts on a stale page's idea of it.
      const { adminsOnly } = await api.getConversation(id);
      await api.updateGroup(id, { adminsOnly: !adminsOnly });
    } else if (choice === "r") {
      // Every link still admitting stops at once; a token already shared then joins nobody.
      for (const invite of await api.invites(id)) {
        if (!invite.revoked) await api.revokeInvite(id, invite.inviteId);
      }
    } else showError({ code: "invalid_request" });
  };
  clearError();
  act().catch(showError);
});

// Block (direct chats): neither side can write until the blocker unblocks; presence is hidden both
// ways from that moment (the header updates from the chat socket's presence frame).
const blockedChats = new Set<string>();
$("block").addEventListener("click", () => {
  const current = session;
  if (!client || !current) return;
  const id = current.conversationId;
  const blocking = !blockedChats.has(id);
  client
    .setBlocked(id, blocking)
    .then(() => {
      if (blocking) blockedChats.add(id);
      else blockedChats.delete(id);
      if (session === current) $("block").textContent = blocking ? "Unblock" : "Block";
    })
    .catch(showError);
});
