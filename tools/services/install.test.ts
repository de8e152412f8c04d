import { describe, expect, it } from "vitest";
import { cassandraArtifacts, classpathPom, kafkaArtifacts } from "./install.ts";

describe("classpathPom", () => {
  it("lists every artifact as a dependency of a pom-packaged project", () => {
    const pom = classpathPom("kafka-3.9.2", kafkaArtifacts("3.9.2"));
    expect(pom).toContain("<artifactId>kafka-3.9.2</artifactId>");
    expect(pom).toContain("<packaging>pom</packaging>");
    expect(pom).toContain(
      "<groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>3.9.2</version>",
    );
    expect(pom).toContain("<artifactId>slf4j-reload4j</artifactId>");
    expect(pom).toContain("<artifactId>reload4j</artifactId>");
  });

  it("asks for cassandra-all at the configured version", () => {
    expect(cassandraArtifacts("5.0.9")).toEqual([
      { groupId: "org.apache.cassandra", artifactId: "cassandra-all", version: "5.0.9" },
    ]);
  });
});
