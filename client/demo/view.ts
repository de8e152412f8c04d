// Rendering of the demo's message list: one element per message, keyed by clientMsgId so a message
// shown as pending is updated in place once the server gives it a seq, and status ticks derived
// from the delivered/read watermarks of my messages. Media load through signed URLs (media-view.ts).
import type { Message, UserContent } from "@edge-chat/protocol";
import { mediaElement } from "./media-view.ts";

export type Ticks = "pending" | "sent" | "delivered" | "read";

interface Row {
  element: HTMLLIElement;
  mine: boolean;
  seq: number | undefined;
}

/** A signed URL for an object of the open conversation (the SDK's mediaUrl). */
export type MediaUrl = (objectKey: string) => Promise<string>;

export class MessageList {
  readonly #list: HTMLOListElement;
  readonly #rows = new Map<string, Row>();
  readonly #mediaUrl: MediaUrl;
  /** In a group every bubble of someone else names its sender; in a direct chat none does. */
  group = false;
  #deliveredUpTo = 0;
  #readUpTo = 0;

  constructor(list: HTMLOListElement, mediaUrl: MediaUrl) {
    this.#list = list;
    this.#mediaUrl = mediaUrl;
  }

  clear(): void {
    this.#list.replaceChildren();
    this.#rows.clear();
    this.#deliveredUpTo = 0;
    this.#readUpTo = 0;
  }

  /** A message of mine that has no seq yet (just sent, or restored from the offline queue). */
  showPending(clientMsgId: string, content: UserContent, me: string): void {
    if (this.#rows.has(clientMsgId)) return;
    const row = this.#row(clientMsgId, me, content, true);
    this.#list.append(row.element);
    this.#paint(row);
    this.#scroll();
  }

  /** A message from the conversation, in seq order. */
  showMessage(message: Message, me: string | undefined): void {
    // System events are the conversation's, not a message of mine to tick.
    const mine = message.senderId === me && message.content.kind !== "system";
    let row = this.#rows.get(message.clientMsgId);
    if (row?.mine !== mine) row = undefined;
    if (!row) {
      row = this.#row(message.clientMsgId, message.senderId, message.content, mine);
    }
    row.seq = message.seq;
    row.element.dataset.seq = String(message.seq);
    row.element.dataset.day = new Date(message.serverTs).toDateString();
    const time = row.element.querySelector("time") ?? document.createElement("time");
    time.dateTime = new Date(message.serverTs).toISOString();
    time.textContent = clock(message.serverTs);
    row.element.querySelector(".meta")!.prepend(time);
    // Seq order is the conversation's order: move the element behind the last sequenced one.
    this.#insertInOrder(row.element);
    this.#separateDays();
    this.#paint(row);
    this.#scroll();
  }

  /** A message's new state after a change (edited, deleted, reacted to, its quote deleted). */
  update(message: Message): void {
    const row = this.#rows.get(message.clientMsgId);
    const body = row?.element.querySelector(".body");
    // A media bubble keeps its element (rewriting the text would drop the player or picture).
    const kind = message.content.kind;
    if (!row || !body || kind === "image" || kind === "audio" || kind === "video") return;
    const reactions = (message.reactions ?? []).map((r) => `${r.emoji}${r.count}`).join(" ");
    const quote = message.quote
      ? `↪ ${message.quote.deleted ? "deleted" : (message.quote.excerpt ?? message.quote.kind)} · `
      : "";
    body.textContent = `${quote}${describe(message.content)}${message.editedAt ? " (edited)" : ""}${reactions ? `  ${reactions}` : ""}`;
  }

  /** A send refused for good (blocked, not allowed): its pending bubble goes, the error stays. */
  dropPending(clientMsgId: string): void {
    const row = this.#rows.get(clientMsgId);
    if (!row || row.seq !== undefined) return;
    row.element.remove();
    this.#rows.delete(clientMsgId);
  }

  /** Messages I deleted for myself disappear from this device. */
  hide(seqs: number[]): void {
    for (const seq of seqs) this.#list.querySelector(`[data-seq="${seq}"]`)?.remove();
  }

  /** My message got its ack (the message frame may come later or has come already). */
  acked(clientMsgId: string, seq: number): void {
    const row = this.#rows.get(clientMsgId);
    if (!row) return;
    row.seq = seq;
    this.#paint(row);
  }

  status(kind: "delivered" | "read", upToSeq: number): void {
    if (kind === "read") this.#readUpTo = Math.max(this.#readUpTo, upToSeq);
    // Read implies delivered.
    this.#deliveredUpTo = Math.max(this.#deliveredUpTo, upToSeq);
    for (const row of this.#rows.values()) if (row.mine) this.#paint(row);
  }

  #row(
    clientMsgId: string,
    sender: string,
    content: UserContent | Message["content"],
    mine: boolean,
  ) {
    const element = document.createElement("li");
    element.className = `msg${mine ? " mine" : ""}${content.kind === "system" ? " system" : ""}`;
    const body = document.createElement("span");
    body.className = "body";
    if (this.group && !mine && content.kind !== "system") {
      const name = document.createElement("span");
      name.className = "sender";
      name.textContent = sender;
      element.append(name);
    }
    if (content.kind === "image" || content.kind === "audio" || content.kind === "video") {
      body.append(mediaElement(content, this.#mediaUrl));
      if (content.kind !== "audio") body.append(content.caption ?? "");
    } else {
      body.append(describe(content));
    }
    const meta = document.createElement("span");
    meta.className = "meta";
    element.append(body, meta);
    const row: Row = { element, mine, seq: undefined };
    this.#rows.set(clientMsgId, row);
    return row;
  }

  #paint(row: Row): void {
    if (!row.mine) return;
    const ticks = ticksOf(row.seq, this.#deliveredUpTo, this.#readUpTo);
    const meta = row.element.querySelector(".meta")!;
    let mark = meta.querySelector(".ticks");
    if (!mark) {
      mark = document.createElement("span");
      meta.append(mark);
    }
    mark.className = `ticks ${ticks}`;
    // Plain characters: emoji fonts are not everywhere.
    mark.textContent = ticks === "pending" ? "…" : ticks === "sent" ? "✓" : "✓✓";
    mark.setAttribute("title", ticks);
  }

  #insertInOrder(element: HTMLLIElement): void {
    const seq = Number(element.dataset.seq);
    const sequenced = [...this.#list.querySelectorAll<HTMLLIElement>("li[data-seq]")].filter(
      (li) => li !== element,
    );
    const after = sequenced.find((li) => Number(li.dataset.seq) > seq);
    if (after) this.#list.insertBefore(element, after);
    else {
      // Before any still-pending messages of mine, which are newer than anything sequenced.
      const firstPending = [...this.#list.children].find(
        (li) => li !== element && li.classList.contains("msg") && !(li as HTMLElement).dataset.seq,
      );
      this.#list.insertBefore(element, firstPending ?? null);
    }
  }

  /** A "Today" / date label before the first message of each day (redrawn after each insert). */
  #separateDays(): void {
    for (const old of this.#list.querySelectorAll("li.day")) old.remove();
    let previous: string | undefined;
    for (const li of [...this.#list.querySelectorAll<HTMLLIElement>("li[data-day]")]) {
      const day = li.dataset.day!;
      if (day !== previous) {
        const label = document.createElement("li");
        label.className = "day";
        label.textContent = dayLabel(day);
        this.#list.insertBefore(label, li);
        previous = day;
      }
    }
  }

  #scroll(): void {
    this.#list.scrollTop = this.#list.scrollHeight;
  }
}

/** "14:03" in the reader's locale. */
function clock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** "Today", "Yesterday", or the date. */
export function dayLabel(dateString: string, now = new Date()): string {
  if (dateString === now.toDateString()) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dateString === yesterday.toDateString()) return "Yesterday";
  return new Date(dateString).toLocaleDateString([], {
    day: "numeric",
    month: "long",
    year: "numeric",
  });
}

export function ticksOf(seq: number | undefined, deliveredUpTo: number, readUpTo: number): Ticks {
  if (seq === undefined) return "pending";
  if (seq <= readUpTo) return "read";
  if (seq <= deliveredUpTo) return "delivered";
  return "sent";
}

function describe(content: Message["content"]): string {
  switch (content.kind) {
    case "text":
      return content.text;
    case "image":
    case "video":
      return `[${content.kind}] ${content.caption ?? content.media.objectKey}`;
    case "audio":
      return `[audio ${Math.round(content.media.durationMs / 1000)} s]`;
    case "system": {
      const e = content.system;
      switch (e.event) {
        case "created":
          return `${e.by} created the conversation${e.name ? ` “${e.name}”` : ""}`;
        case "member_added":
          return `${e.by} added ${e.userId}`;
        case "member_removed":
          return `${e.by} removed ${e.userId}`;
        case "member_left":
          return `${e.userId} left`;
        case "renamed":
          return `${e.by} renamed the group to “${e.name}”`;
        case "description_set":
          return e.description
            ? `${e.by} set the description: “${e.description}”`
            : `${e.by} cleared the description`;
        case "role_changed":
          return `${e.by} made ${e.userId} ${e.role === "admin" ? "an admin" : "a member"}`;
        case "send_policy_set":
          return `${e.by} let ${e.adminsOnly ? "only admins" : "everyone"} send`;
        case "invite_created":
          return `${e.by} created an invite link`;
        case "invite_revoked":
          return `${e.by} revoked the invite link`;
        case "joined_by_invite":
          return `${e.userId} joined by invite link`;
      }
      return "";
    }
    case "deleted":
      return "🚫 This message was deleted";
    case "edit":
    case "delete":
    case "reaction":
      // Changes are folded into their targets and never shown as messages of their own.
      return "";
  }
}
