// Loading the HCL of this folder as JSON (@cdktf/hcl2json, the HCL parser compiled to wasm), merged
// per directory the way Terraform merges the .tf files of one module.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "@cdktf/hcl2json";

export const terraformDir = fileURLToPath(new URL("..", import.meta.url));
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Every block kind (resource, variable, locals, …) as hcl2json gives it; values are untyped JSON. */
// biome-ignore lint/suspicious/noExplicitAny: hcl2json output is arbitrary JSON, narrowed by the tests.
export type Hcl = Record<string, any>;

/** Parses every *.tf file of a directory and merges the blocks (Terraform's view of one module). */
export async function loadModule(relativeDir: string): Promise<Hcl> {
  const dir = join(terraformDir, relativeDir);
  const merged: Hcl = {};
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith(".tf"))
    .sort()) {
    const parsed = await parse(file, readFileSync(join(dir, file), "utf8"));
    for (const [kind, blocks] of Object.entries(parsed)) {
      if (Array.isArray(blocks)) {
        merged[kind] = [...(merged[kind] ?? []), ...blocks];
      } else {
        merged[kind] = mergeByType(merged[kind] ?? {}, blocks as Hcl);
      }
    }
  }
  return merged;
}

// resource/data/variable/module/output are maps of name (or type → name) to lists of blocks.
function mergeByType(into: Hcl, from: Hcl): Hcl {
  const out: Hcl = { ...into };
  for (const [key, value] of Object.entries(from)) {
    if (Array.isArray(value)) out[key] = [...(out[key] ?? []), ...value];
    else out[key] = mergeByType(out[key] ?? {}, value as Hcl);
  }
  return out;
}

/** The single block `kind.name` (e.g. variable "x", module "edge"), failing if absent or repeated. */
export function single(blocks: Hcl | undefined, name: string): Hcl {
  const list = blocks?.[name];
  if (!Array.isArray(list) || list.length !== 1)
    throw new Error(`expected exactly one block ${name}`);
  return list[0];
}

/** All `locals` blocks of a module merged into one object. */
export function locals(module: Hcl): Hcl {
  return Object.assign({}, ...((module.locals as Hcl[] | undefined) ?? []));
}

/** An expression as written, without the ${ } wrapper and with whitespace collapsed. */
export function expr(value: unknown): string {
  if (typeof value !== "string")
    throw new Error(`expected an expression, got ${JSON.stringify(value)}`);
  return value
    .replace(/^\$\{([\s\S]*)\}$/, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

/** Attribute names assigned in an object constructor expression (`{ a = …, b = … }`), in order. */
export function assignedKeys(expression: string): string[] {
  return [...expression.matchAll(/(?:^|[{,\s])([A-Za-z_][A-Za-z0-9_]*) = /g)].map(
    (m) => m[1] as string,
  );
}
