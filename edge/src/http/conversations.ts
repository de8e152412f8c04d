// The routes under /v1/conversations/:id that the conversation's DO answers, each one typed RPC
// call (conversation/rpc.ts). The Worker validates the request against the protocol's schemas
// first, in the order the checks always ran (id, body, path parameters), and turns the answer into
// the route's status: a refusal comes back as the DO's ChatError (rpc/answer.ts's unwrap).
import {
  AddMemberRequest,
  CreateInviteRequest,
  DeleteRequest,
  EditRequest,
  HistoryQuery,
  InviteId,
  parseJson,
  parseWith,
  ReactRequest,
  SendRequest,
  Seq,
  SetRoleRequest,
  UpdateGroupRequest,
  UserId,
  WatermarkRequest,
} from "@edge-chat/protocol";
import { type Context, Hono } from "hono";
import type { Written } from "../conversation/rpc.ts";
import { unwrap } from "../rpc/answer.ts";
import type { AppEnv } from "./app-env.ts";
import { conversationIdOf } from "./conversation-id.ts";
import { conversationOf } from "./conversation-stub.ts";
import { callerOf } from "./internal.ts";

type C = Context<AppEnv>;

/** The conversation's DO and the caller, from the route's id and the authenticated user. */
function target(c: C) {
  const conversationId = conversationIdOf(c.req.param("id") ?? "");
  return {
    stub: conversationOf(c.env, conversationId),
    caller: callerOf(c.req.raw, conversationId, c.get("userId")),
  };
}

const bodyOf = async (c: C) => parseJson(await c.req.text());
const seqOf = (c: C) => parseWith(Seq, Number(c.req.param("seq")));
/** 201 for a new message, 200 for a resend's earlier ack. */
const written = (c: C, { ack, created }: Written) => c.json(ack, created ? 201 : 200);

export function conversationRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const at = "/v1/conversations/:id";

  app.post(`${at}/tickets`, async (c) => {
    const { stub, caller } = target(c);
    return c.json(await unwrap(stub.issueTicket(caller)));
  });

  // ── the group and its members ──
  app.get(at, async (c) => {
    const { stub, caller } = target(c);
    return c.json(await unwrap(stub.describe(caller)));
  });
  app.patch(at, async (c) => {
    const { stub, caller } = target(c);
    const request = parseWith(UpdateGroupRequest, await bodyOf(c));
    return c.json(await unwrap(stub.updateGroup(caller, request)));
  });
  app.put(`${at}/members/:userId/role`, async (c) => {
    const { stub, caller } = target(c);
    const { role } = parseWith(SetRoleRequest, await bodyOf(c));
    const member = parseWith(UserId, c.req.param("userId"));
    return c.json(await unwrap(stub.setRole(caller, member, role)));
  });
  app.post(`${at}/members`, async (c) => {
    const { stub, caller } = target(c);
    const request = parseWith(AddMemberRequest, await bodyOf(c));
    return c.json(await unwrap(stub.addMember(caller, request)), 201);
  });
  app.delete(`${at}/members/:userId`, async (c) => {
    const { stub, caller } = target(c);
    const member = parseWith(UserId, c.req.param("userId"));
    return c.json(await unwrap(stub.removeMember(caller, member)));
  });

  // ── messages and receipts ──
  app.post(`${at}/messages`, async (c) => {
    const { stub, caller } = target(c);
    const request = parseWith(SendRequest, await bodyOf(c));
    return written(c, await unwrap(stub.send(caller, request)));
  });
  app.get(`${at}/messages`, async (c) => {
    const { stub, caller } = target(c);
    const query = parseWith(HistoryQuery, c.req.query());
    return c.json(await unwrap(stub.history(caller, query)));
  });
  for (const kind of ["read", "delivered"] as const) {
    app.post(`${at}/${kind}`, async (c) => {
      const { stub, caller } = target(c);
      const { upToSeq } = parseWith(WatermarkRequest, await bodyOf(c));
      await unwrap(stub.watermark(caller, kind, upToSeq));
      return c.body(null, 204);
    });
  }

  // ── changes to messages ──
  app.get(`${at}/messages/hidden`, async (c) => {
    const { stub, caller } = target(c);
    return c.json(await unwrap(stub.hidden(caller)));
  });
  app.post(`${at}/messages/:seq/edit`, async (c) => {
    const { stub, caller } = target(c);
    const request = parseWith(EditRequest, await bodyOf(c));
    return written(c, await unwrap(stub.edit(caller, seqOf(c), request)));
  });
  app.post(`${at}/messages/:seq/delete`, async (c) => {
    const { stub, caller } = target(c);
    const request = parseWith(DeleteRequest, await bodyOf(c));
    const deleted = await unwrap(stub.remove(caller, seqOf(c), request));
    // Deleted for the caller only: nothing to acknowledge.
    return deleted ? written(c, deleted) : c.body(null, 204);
  });
  app.put(`${at}/messages/:seq/reaction`, async (c) => {
    const { stub, caller } = target(c);
    const request = parseWith(ReactRequest, await bodyOf(c));
    return written(c, await unwrap(stub.react(caller, seqOf(c), request)));
  });
  app.get(`${at}/messages/:seq/edits`, async (c) => {
    const { stub, caller } = target(c);
    return c.json(await unwrap(stub.editHistory(caller, seqOf(c))));
  });
  app.get(`${at}/messages/:seq/reactions`, async (c) => {
    const { stub, caller } = target(c);
    return c.json(await unwrap(stub.reactions(caller, seqOf(c))));
  });

  // ── invites (joining by token is /v1/invites/join, in app.ts) ──
  app.post(`${at}/invites`, async (c) => {
    const { stub, caller } = target(c);
    const text = await c.req.text();
    const request = parseWith(CreateInviteRequest, text === "" ? {} : parseJson(text));
    return c.json(await unwrap(stub.createInvite(caller, request)), 201);
  });
  app.get(`${at}/invites`, async (c) => {
    const { stub, caller } = target(c);
    return c.json(await unwrap(stub.listInvites(caller)));
  });
  app.delete(`${at}/invites/:inviteId`, async (c) => {
    const { stub, caller } = target(c);
    const inviteId = parseWith(InviteId, c.req.param("inviteId"));
    await unwrap(stub.revokeInvite(caller, inviteId));
    return c.body(null, 204);
  });

  return app;
}
