// Public API of @edge-chat/services: bring the real services up for tests and get their endpoints.
export type { ServiceName, ServicesConfig } from "./config.ts";
export { ConfigError, parseConfig, SERVICE_NAMES } from "./config.ts";
export type { DownOptions, EnsureOptions } from "./ensure.ts";
export {
  endpointsFor,
  ensureServices,
  parseTarget,
  pauseTarget,
  type ServiceTarget,
  servicesStatus,
  startTarget,
  stopCassandraNode,
  stopServices,
  stopTarget,
} from "./ensure.ts";
export { ownServicesEnv } from "./own-env.ts";
export { ServiceError } from "./process.ts";
export { createKafkaTopics } from "./services/kafka.ts";
export type {
  CassandraEndpoint,
  HealthRow,
  KafkaEndpoint,
  RedisEndpoint,
  S3Endpoint,
  ServiceEndpoints,
  UpstashEndpoint,
} from "./types.ts";
