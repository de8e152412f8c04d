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
  newClientMsgId,
  type Presence,
  WebStorageOutboxStore,
} from "../src/index.ts";
import { peerOf, renderConversations, titleOf, when } from "./sidebar.ts";
import { MessageList } from "./view.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const baseUrl = location.origin;

let client: ChatClient | undefined;
let me: string | undefined;
let session: ConversationSession | undefined;
let inbox: InboxSession | undefined;
/** The other member of the open direct chat, whose presence the header shows. */
let peer: string | undefined;
const list = new MessageList($<HTMLOListElement>("messages"), (objectKey) =>
  client && session ? client.mediaUrl(session.conversationId, objectKey) : Promise.reject(),
);

function showError(error: unknown): void {
  const chatError = error as Partial<ChatError>;
  $("error").textContent = chatError.code
    ? `${chatError.code}: ${chatError.message}`
    : String(error);
}

function clearError(): void {
  $("error").textContent = "";
}

function setState(state: string, detail = ""): void {
  const badge = $("state");
  badge.dataset.state = state;
  badge.textContent = detail ? `${state} (${detail})` : state;
}

async function signIn(userId: string): Promise<void> {
  const token = await fetchDevToken(baseUrl, userId);
  me = userId;
  client = new ChatClient({
    baseUrl,
    // Dev tokens are long-lived; a real app would refresh here when the token nears expiry.
    getToken: async () => token,
    // Unsent messages survive a reload: they are resent with the same id when the page comes back.
    storage: new WebStorageOutboxStore(localStorage, `edge-chat:${userId}:outbox:`),
  });
  localStorage.setItem("edge-chat:user", userId);
  $("me").textContent = `signed in as ${userId}`;
  $("login").hidden = true;
  $("pick").hidden = false;
  $("sidebar").hidden = false;
  // One inbox socket for the page: the live list, and what makes me "online" for my peers.
  inbox = client.openInbox();
  const redraw = () => renderSidebar();
  inbox.on("list", redraw);
  inbox.on("update", redraw);
  inbox.on("removed", redraw);
  inbox.on("presence", (presence) => {
    if (presence.userId === peer) showPresence(presence);
  });
}

function renderSidebar(): void {
  if (!inbox || !me) return;
  const open = (entry: InboxEntry) => {
    clearError();
    openConversation(entry.conversationId).catch(showError);
  };
  renderConversations(
    $<HTMLOListElement>("conversations"),
    inbox.conversations,
    me,
    session?.conversationId,
    open,
  );
  document.title = inbox.unreadTotal > 0 ? `(${inbox.unreadTotal}) edge-chat` : "edge-chat";
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

async function openConversation(conversationId: string): Promise<void> {
  if (!client || !me) return;
  session?.close();
  list.clear();
  const entry = inbox?.conversation(conversationId);
  $("title").textContent = titleOf(conversationId, me, entry?.name);
  // Direct chats show the peer's presence: asked once here, then kept live by the inbox socket.
  peer = peerOf(conversationId, me);
  showPresence(undefined);
  if (peer) {
    const asked = peer;
    client
      .presence(asked)
      .then((presence) => {
        if (peer === asked) showPresence(presence);
      })
      .catch(() => showPresence(undefined));
  }
  $("pick").hidden = true;
  $("chat").hidden = false;
  location.hash = encodeURIComponent(conversationId);
  const current = client.open(conversationId);
  session = current;
  renderSidebar();
  setState("connecting");

  current.on("state", ({ state, retryInMs, error }) => {
    setState(state, retryInMs !== undefined ? `retry in ${Math.round(retryInMs)} ms` : "");
    if (state === "open") {
      clearError(); // whatever went wrong while reconnecting is over
      void refreshReceipts(current);
    }
    if (state === "closed" && error) showError(error);
  });
  // Changes (edit, delete, reaction) fold into the messages they target, as history has them.
  const folded = new FoldedMessages();
  current.on("message", (message) => {
    const touched = folded.apply(message);
    if (isChange(message)) {
      for (const m of touched) list.update(m);
    } else {
      list.showMessage(message, current.userId ?? me);
      list.update(message);
    }
    if (document.visibilityState === "visible") markRead(current);
  });
  current.on("hidden", (seqs) => list.hide(seqs));
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
  clearError();
  signIn($<HTMLInputElement>("user-id").value.trim())
    .then(() => {
      const hash = decodeURIComponent(location.hash.slice(1));
      if (hash) return openConversation(hash);
    })
    .catch(showError);
});

$("direct-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearError();
  const peer = $<HTMLInputElement>("peer-id").value.trim();
  client
    ?.createDirect(peer)
    .then((c) => openConversation(c.conversationId))
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
    .then((c) => openConversation(c.conversationId))
    .catch(showError);
});

$("open-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearError();
  const id = $<HTMLInputElement>("conversation-id").value.trim();
  openConversation(id).catch(showError);
});

$("leave").addEventListener("click", () => {
  session?.close();
  session = undefined;
  peer = undefined;
  renderSidebar();
  setState("closed");
  $("chat").hidden = true;
  $("pick").hidden = false;
  location.hash = "";
});

const text = $<HTMLInputElement>("text");
text.addEventListener("input", () => session?.typing(text.value ? "start" : "stop"));
text.addEventListener("blur", () => session?.typing("stop"));

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const current = session;
  const value = text.value.trim();
  if (!current || !me || !value) return;
  text.value = "";
  current.typing("stop");
  // Our own id, so the bubble shows as pending now and turns into the sequenced message later.
  const clientMsgId = newClientMsgId();
  list.showPending(clientMsgId, { kind: "text", text: value }, me);
  current.sendText(value, { clientMsgId }).catch(showError);
});

// Sending an image: upload it straight to storage, then send a message that references it.
const picker = $<HTMLInputElement>("image");
$("attach").addEventListener("click", () => picker.click());
picker.addEventListener("change", () => {
  const file = picker.files?.[0];
  picker.value = "";
  if (file) sendImage(file).catch(showError);
});

async function sendImage(file: File): Promise<void> {
  const current = session;
  if (!client || !current || !me) return;
  const bitmap = await createImageBitmap(file);
  const { width, height } = bitmap;
  bitmap.close();
  const content = await client.uploadMedia(current.conversationId, {
    kind: "image",
    mime: file.type,
    data: file,
    width,
    height,
  });
  const clientMsgId = newClientMsgId();
  list.showPending(clientMsgId, content, me);
  await current.send(content, { clientMsgId });
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && session) markRead(session);
});

// Come back signed in (and in the same conversation) after a reload.
const remembered = localStorage.getItem("edge-chat:user");
if (remembered) $<HTMLInputElement>("user-id").value = remembered;

// Message actions: click a message, then pick edit, delete (for everyone or for me) or a reaction.
$("messages").addEventListener("click", (event) => {
  const item = (event.target as HTMLElement).closest<HTMLElement>("li[data-seq]");
  const current = session;
  if (!item || !current) return;
  const seq = Number(item.dataset.seq);
  const choice = prompt(
    "e = edit, d = delete for everyone, m = delete for me, or an emoji to react (- removes)",
  );
  if (!choice) return;
  const act = async () => {
    if (choice === "e") {
      const text = prompt("new text");
      if (text) await current.edit(seq, text);
    } else if (choice === "d") await current.deleteForEveryone(seq);
    else if (choice === "m") await current.deleteForMe(seq);
    else await current.react(seq, choice === "-" ? null : choice);
  };
  act().catch((error: unknown) => showError(error));
});
