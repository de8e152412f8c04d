// A Markdown reference of the WebSocket frames, generated from the protocol's zod unions (the
// same schemas the sockets decode with), served at GET /v1/frames.md beside the OpenAPI document.
import { ClientFrame, InboxClientFrame, InboxServerFrame, ServerFrame } from "@edge-chat/protocol";
import { z } from "zod";

type Json = Record<string, unknown>;

const SOCKETS = [
  ["Conversation socket: client → server", ClientFrame],
  ["Conversation socket: server → client", ServerFrame],
  ["Inbox socket: client → server", InboxClientFrame],
  ["Inbox socket: server → client", InboxServerFrame],
] as const;

/** A short type for a table cell: `"text"`, integer ≥ 1, `a` \| `b`, object, array of …. */
function typeOf(schema: Json): string {
  if ("const" in schema) return `\`${JSON.stringify(schema.const)}\``;
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  const options = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  if (options) return options.map(typeOf).join(" \\| ");
  if (schema.type === "array") return `array of ${typeOf((schema.items ?? {}) as Json)}`;
  if (schema.type === "object") {
    const keys = Object.keys((schema.properties ?? {}) as Json);
    return keys.length > 0 ? `object (${keys.join(", ")})` : "object";
  }
  const bounds = [
    schema.minimum !== undefined ? `≥ ${schema.minimum}` : "",
    schema.maximum !== undefined && Number(schema.maximum) < Number.MAX_SAFE_INTEGER
      ? `≤ ${schema.maximum}`
      : "",
    schema.maxLength !== undefined ? `≤ ${schema.maxLength} chars` : "",
  ].filter(Boolean);
  return [String(schema.type ?? "any"), ...bounds].join(" ");
}

export function framesMarkdown(): string {
  const lines = [
    "# edge-chat WebSocket frames",
    "",
    "Generated from `@edge-chat/protocol` (the schemas the sockets validate with). Every frame is",
    "one JSON text message with a `type`; requests carry a `reqId` that the answer echoes.",
  ];
  for (const [title, union] of SOCKETS) {
    lines.push("", `## ${title}`);
    for (const option of union.options) {
      const schema = z.toJSONSchema(option, { unrepresentable: "any", io: "input" }) as Json;
      const properties = (schema.properties ?? {}) as Record<string, Json>;
      const required = new Set((schema.required ?? []) as string[]);
      const type = properties.type?.const ?? "?";
      lines.push(
        "",
        `### \`${String(type)}\``,
        "",
        "| field | type | required |",
        "| --- | --- | --- |",
      );
      for (const [name, field] of Object.entries(properties)) {
        lines.push(`| \`${name}\` | ${typeOf(field)} | ${required.has(name) ? "yes" : "no"} |`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
