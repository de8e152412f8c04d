// The OpenAPI 3.1 document of the public HTTP API, derived from the one route table (routes.ts) and
// the protocol's zod schemas (zod's own JSON Schema output, which is the 2020-12 dialect OpenAPI 3.1
// uses), so the document cannot drift from what the handlers validate. No route is written here.
// The WebSocket frames are documented as component schemas (ClientFrame, ServerFrame, Inbox…).
import {
  AddMemberRequest,
  ClientFrame,
  Conversation,
  ConversationPresence,
  CreateDirectRequest,
  CreateGroupRequest,
  DeleteRequest,
  DeviceList,
  DeviceSummary,
  ERROR_CODES,
  EditHistory,
  EditRequest,
  type ErrorCode,
  ErrorResponse,
  HiddenList,
  HistoryPage,
  InboxClientFrame,
  InboxList,
  InboxServerFrame,
  InviteList,
  JoinInviteRequest,
  MediaDownloadTicket,
  MediaUploadRequest,
  MediaUploadTicket,
  MediaVerifyRequest,
  Message,
  NotificationSettings,
  PROTOCOL_VERSION,
  Presence,
  PresenceHeartbeat,
  PresenceSettings,
  ReactionList,
  ReactRequest,
  RegisterDeviceRequest,
  SendAck,
  SendRequest,
  ServerFrame,
  SetRoleRequest,
  TicketResponse,
  UpdateDeviceRequest,
  UpdateGroupRequest,
  VerifiedMedia,
  WatermarkRequest,
  WebPushKey,
} from "@edge-chat/protocol";
import { z } from "zod";
import { openApiPath, ROUTES, type RouteDoc } from "./routes.ts";

/** Schemas worth a name in components (referenced instead of repeated). */
const NAMED: Record<string, z.ZodType> = {
  ErrorResponse,
  Message,
  Conversation,
  SendRequest,
  SendAck,
  HistoryPage,
  InboxList,
  Presence,
  TicketResponse,
  MediaUploadRequest,
  MediaUploadTicket,
  MediaDownloadTicket,
  CreateDirectRequest,
  CreateGroupRequest,
  AddMemberRequest,
  WatermarkRequest,
  EditRequest,
  DeleteRequest,
  ReactRequest,
  EditHistory,
  ReactionList,
  HiddenList,
  UpdateGroupRequest,
  SetRoleRequest,
  MediaVerifyRequest,
  VerifiedMedia,
  ConversationPresence,
  PresenceHeartbeat,
  PresenceSettings,
  DeviceSummary,
  DeviceList,
  RegisterDeviceRequest,
  UpdateDeviceRequest,
  NotificationSettings,
  WebPushKey,
  ClientFrame,
  ServerFrame,
  InboxClientFrame,
  InboxServerFrame,
  InviteList,
  JoinInviteRequest,
};

type Json = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function schemaOf(schema: z.ZodType, names: Map<z.ZodType, string>): Json {
  const name = names.get(schema);
  if (name) return ref(name);
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    unrepresentable: "any",
    io: "input",
  }) as Json;
  return rest;
}

function operation(route: RouteDoc, names: Map<z.ZodType, string>): Json {
  const path = openApiPath(route.path);
  const parameters: Json[] = [...path.matchAll(/\{(\w+)\}/g)].map(([, param]) => ({
    name: param,
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  if (route.query) {
    for (const [param, schema] of Object.entries(route.query.shape)) {
      parameters.push({
        name: param,
        in: "query",
        required: false,
        schema: schemaOf(schema as z.ZodType, names),
      });
    }
  }
  if (route.auth === "bearer-or-ticket") {
    parameters.push({
      name: "ticket",
      in: "query",
      required: false,
      description: "A single-use ticket, for browsers that cannot send an Authorization header.",
      schema: { type: "string" },
    });
  }
  const responses: Json = {};
  for (const [status, body] of Object.entries(route.responses)) {
    responses[status] =
      body === null
        ? { description: status === "101" ? "Switching to the WebSocket protocol" : "No content" }
        : body === "redirect"
          ? {
              description: "Redirect to a signed URL",
              headers: { Location: { schema: { type: "string" } } },
            }
          : {
              description: "OK",
              content: { "application/json": { schema: schemaOf(body, names) } },
            };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(route.errors)) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: `error.code: ${codes.join(", ")}`,
      content: { "application/json": { schema: ref("ErrorResponse") } },
    };
  }
  return {
    summary: route.summary,
    operationId: `${route.method}${path.replaceAll(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ?? "").toUpperCase())}`,
    ...(route.auth === "none" ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.request
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: schemaOf(route.request, names) } },
          },
        }
      : {}),
    responses,
    ...(route.websocket
      ? {
          "x-websocket-frames": {
            client: schemaOf(route.websocket.client, names),
            server: schemaOf(route.websocket.server, names),
          },
        }
      : {}),
  };
}

/** Builds the document (pure; the route caches it, since the schemas never change at runtime). */
export function openApiDocument(): Json {
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>();
  for (const [name, schema] of Object.entries(NAMED)) {
    registry.add(schema, { id: name });
    names.set(schema, name);
  }
  const { schemas } = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: "any",
    io: "input",
  }) as { schemas: Record<string, Json> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route, names) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "edge-chat public API",
      version: String(PROTOCOL_VERSION),
      description:
        "Every error is `{ error: { code, message, retriable, retryAfterMs? } }` with the status of its code. WebSocket frames: see the ClientFrame/ServerFrame and InboxClientFrame/InboxServerFrame schemas.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
}
