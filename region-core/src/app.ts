// The HTTP surface of one region: public health and metrics, and the service-token-protected
// ingest, history, conversation-list and media APIs. Collaborators are passed in; main.ts builds them.
import { ChatError } from "@edge-chat/protocol";
import { Hono } from "hono";
import { conversationRoutes } from "./api/conversations.ts";
import { type DevicesApiDeps, deviceRoutes } from "./api/devices.ts";
import { historyRoutes } from "./api/history.ts";
import { ingestRoutes } from "./api/ingest.ts";
import { type MediaApiDeps, mediaRoutes } from "./api/media.ts";
import { pushRoutes } from "./api/push.ts";
import { type ServiceAuthOptions, serviceAuth } from "./auth/service-auth.ts";
import type { EventPublisher } from "./events/ports.ts";
import { errorCode, errorResponse } from "./http/errors.ts";
import { httpMetrics } from "./instrument.ts";
import type { Metrics } from "./metrics.ts";
import type { Repositories } from "./repositories/ports.ts";

export interface AppDeps {
  regionId: string;
  auth: ServiceAuthOptions;
  publisher: EventPublisher;
  repositories: Repositories;
  metrics: Metrics;
  media: MediaApiDeps["media"];
  /** The device registry (routes mounted only when given). */
  devices?: DevicesApiDeps["devices"];
  /** Where POST /v1/push publishes (mounted only when given). */
  pushPublisher?: EventPublisher;
  /** Served at GET /v1/push/web-push-key for browsers' subscriptions. */
  webPushPublicKey?: string | undefined;
  /** False while shutting down: new requests are refused with a retriable 503. */
  accepting: () => boolean;
  /** The persister's group membership, reported by /health (ingest does not wait for it). */
  consumerState?: () => "off" | "joining" | "running";
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.onError((error, c) => {
    deps.metrics.errors.inc({ code: errorCode(error), source: "http" });
    return errorResponse(c, error);
  });
  app.notFound((c) => {
    deps.metrics.errors.inc({ code: "not_found", source: "http" });
    return errorResponse(c, new ChatError("not_found", "no such route"));
  });
  app.use("*", httpMetrics(deps.metrics));

  app.get("/health", (c) =>
    c.json(
      {
        status: deps.accepting() ? "ok" : "draining",
        region: deps.regionId,
        consumer: deps.consumerState?.() ?? "off",
      },
      deps.accepting() ? 200 : 503,
    ),
  );
  app.get("/metrics", async (c) =>
    c.text(await deps.metrics.registry.metrics(), 200, {
      "content-type": deps.metrics.registry.contentType,
    }),
  );

  // While draining, every answer asks the client to close its connection, so keep-alive sockets
  // do not hold the shutdown open after their last in-flight request.
  app.use("*", async (c, next) => {
    await next();
    if (!deps.accepting()) c.header("Connection", "close");
  });
  app.use("/v1/*", async (_c, next) => {
    if (!deps.accepting()) throw new ChatError("unavailable", "region is shutting down");
    await next();
  });
  app.use("/v1/*", serviceAuth(deps.auth));
  app.route("/v1/ingest", ingestRoutes(deps));
  app.route("/v1/history", historyRoutes(deps));
  app.route("/v1/users", conversationRoutes(deps));
  app.route("/v1/media", mediaRoutes(deps));
  if (deps.devices) app.route("/v1/users", deviceRoutes({ devices: deps.devices }));
  if (deps.pushPublisher) {
    app.route(
      "/v1/push",
      pushRoutes({ pushPublisher: deps.pushPublisher, webPushPublicKey: deps.webPushPublicKey }),
    );
  }
  return app;
}
