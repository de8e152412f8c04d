// Shapes the harness hands to tests (endpoints) and prints (health rows).

export interface CassandraEndpoint {
  contactPoints: string[];
  port: number;
  dataCenters: { name: string; hosts: string[] }[];
}

export interface KafkaEndpoint {
  brokers: string[];
}

export interface RedisEndpoint {
  url: string;
}

export interface UpstashEndpoint {
  url: string;
  token: string;
}

export interface S3Endpoint {
  endpoint: string;
  /** The AWS region the S3 API signs for (SigV4), not an edge-chat region. */
  awsRegion: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
}

export interface ServiceEndpoints {
  cassandra: CassandraEndpoint;
  kafka: KafkaEndpoint;
  redis: RedisEndpoint;
  upstash: UpstashEndpoint;
  s3: S3Endpoint;
}

export interface HealthRow {
  service: string;
  address: string;
  state: "healthy" | "unhealthy" | "stopped";
  pid: number | undefined;
  log: string;
}
