// Migration files: load cql/migrations/NNNN_name.cql in order, checksum them, render their
// {{keyspace}} / {{replication}} placeholders, and split them into statements (the native protocol
// takes one statement per request). Pure except `loadMigrations`, which reads the directory.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { CqlError } from "./errors.ts";

export interface Migration {
  /** 1, 2, 3, ... from the file name's NNNN prefix; contiguous, no gaps. */
  readonly version: number;
  /** The file name without prefix and extension, e.g. "messages". */
  readonly name: string;
  readonly fileName: string;
  /** The file as written, with {{placeholders}}. */
  readonly template: string;
  /** sha256 of the template (line endings normalised), hex. */
  readonly checksum: string;
}

export interface TemplateValues {
  readonly keyspace: string;
  /** A CQL map literal, from replicationCql(). */
  readonly replication: string;
}

/** The migrations shipped with this package. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations/", import.meta.url));

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.cql$/;

/** Reads and validates every migration file in `dir`, ordered by version. */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith(".cql")).sort();
  const migrations: Migration[] = [];
  for (const fileName of files) {
    migrations.push(parseMigration(fileName, await readFile(`${dir}/${fileName}`, "utf8")));
  }
  checkSequence(migrations);
  return migrations;
}

/** Builds a Migration from a file name and its text; throws CqlError("invalid_migration"). */
export function parseMigration(fileName: string, template: string): Migration {
  const match = FILE_NAME.exec(fileName);
  if (!match) {
    throw new CqlError(
      "invalid_migration",
      `migration file "${fileName}" must be named NNNN_lower_snake_name.cql`,
    );
  }
  const statements = splitStatements(template);
  if (statements.length === 0) {
    throw new CqlError("invalid_migration", `migration file "${fileName}" has no statements`);
  }
  return {
    version: Number(match[1]),
    name: match[2] ?? "",
    fileName,
    template,
    checksum: checksumOf(template),
  };
}

/** Versions must run 1, 2, 3, ... so "applied in order" has one meaning. */
export function checkSequence(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new CqlError(
        "invalid_migration",
        `migration versions must be 1, 2, 3, ... without gaps or duplicates; ` +
          `found ${migration.fileName} at position ${index + 1}`,
      );
    }
  });
}

/** sha256 of the text with CRLF normalised, so a checkout's line endings do not change it. */
export function checksumOf(text: string): string {
  return createHash("sha256").update(text.replace(/\r\n/g, "\n")).digest("hex");
}

/** Substitutes {{keyspace}} and {{replication}}; any other placeholder is an error. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(/\{\{\s*([a-zA-Z]+)\s*\}\}/g, (_, key: string) => {
    if (key === "keyspace") return values.keyspace;
    if (key === "replication") return values.replication;
    throw new CqlError("invalid_migration", `unknown placeholder {{${key}}}`);
  });
}

/**
 * Splits CQL text into statements at top-level semicolons, dropping comments (`--`, `//`,
 * `/* *\/`) and respecting single-quoted strings ('' escapes), $$-strings and double-quoted
 * identifiers, so a semicolon or apostrophe inside any of them does not cut a statement.
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let current = "";
  let i = 0;
  const flush = () => {
    const statement = current.replace(/\s+/g, " ").trim();
    if (statement !== "") statements.push(statement);
    current = "";
  };
  while (i < text.length) {
    const ch = text[i] ?? "";
    const next = text[i + 1] ?? "";
    if ((ch === "-" && next === "-") || (ch === "/" && next === "/")) {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end + 1;
      current += " ";
    } else if (ch === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 2;
      current += " ";
    } else if (ch === "'" || ch === '"') {
      const end = closingQuote(text, i, ch);
      current += text.slice(i, end);
      i = end;
    } else if (ch === "$" && next === "$") {
      const end = text.indexOf("$$", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      current += text.slice(i, stop);
      i = stop;
    } else if (ch === ";") {
      flush();
      i++;
    } else {
      current += ch;
      i++;
    }
  }
  flush();
  return statements;
}

/** Index just past the quote that closes the one at `start` (a doubled quote is an escape). */
function closingQuote(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return text.length;
}
