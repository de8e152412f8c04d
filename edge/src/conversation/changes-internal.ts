// The ConversationDO's HTTP routes for message changes, mounted under /internal/messages:
//   POST /:seq/edit       EditRequest   → 201 SendAck of the edit (200 for a resend)
//   POST /:seq/delete     DeleteRequest → everyone: 201 SendAck; me: 204
//   PUT  /:seq/reaction   ReactRequest  → 201 SendAck of the reaction
//   GET  /:seq/edits      → EditHistory (the sender only)
//   GET  /:seq/reactions  → ReactionList
//   GET  /hidden          → HiddenList (the caller's delete-for-me seqs)
import {
  type ConversationId,
  DeleteRequest,
  EditRequest,
  type HiddenList,
  parseJson,
  parseWith,
  ReactRequest,
  Seq,
  type UserId,
} from "@edge-chat/protocol";
import { type Context, Hono } from "hono";
import type { ChangeResult } from "./changes-service.ts";
import type { InternalHandlers } from "./internal-handlers.ts";
import { sendFrame } from "./sockets.ts";

type Vars = { userId: UserId; conversationId: ConversationId };
type C = Context<{ Variables: Vars }>;

const seqOf = (c: C) => parseWith(Seq, Number(c.req.param("seq")));
const bodyOf = async (c: C) => parseJson(await c.req.raw.text());

export function changesInternalRoutes(h: InternalHandlers): Hono<{ Variables: Vars }> {
  const app = new Hono<{ Variables: Vars }>();
  /** Fans a new change out like a message and answers with its ack. */
  const answer = (c: C, result: ChangeResult) => {
    if (result.message) {
      h.live.add(JSON.stringify(result.message));
      h.scheduleAlarm();
    }
    return c.json(result.ack, result.message ? 201 : 200);
  };

  app.get("/hidden", (c) => {
    const list: HiddenList = { seqs: h.changes.hidden(c.get("conversationId"), c.get("userId")) };
    return c.json(list);
  });

  app.post("/:seq/edit", async (c) => {
    const request = parseWith(EditRequest, await bodyOf(c));
    return answer(c, h.changes.edit(c.get("conversationId"), c.get("userId"), seqOf(c), request));
  });

  app.post("/:seq/delete", async (c) => {
    const request = parseWith(DeleteRequest, await bodyOf(c));
    const [conversationId, userId, seq] = [c.get("conversationId"), c.get("userId"), seqOf(c)];
    if (request.scope === "everyone") {
      return answer(
        c,
        h.changes.deleteForEveryone(conversationId, userId, seq, request.clientMsgId),
      );
    }
    const seqs = h.changes.hide(conversationId, userId, [seq]);
    if (seqs.length > 0) {
      for (const ws of h.sockets.ofUser(userId)) sendFrame(ws, { type: "hidden", seqs });
    }
    return c.body(null, 204);
  });

  app.put("/:seq/reaction", async (c) => {
    const request = parseWith(ReactRequest, await bodyOf(c));
    return answer(c, h.changes.react(c.get("conversationId"), c.get("userId"), seqOf(c), request));
  });

  app.get("/:seq/edits", (c) =>
    c.json(h.changes.editHistory(c.get("conversationId"), c.get("userId"), seqOf(c))),
  );
  app.get("/:seq/reactions", (c) =>
    c.json(h.changes.reactionList(c.get("conversationId"), c.get("userId"), seqOf(c))),
  );
  return app;
}
