import { describe, expect, it } from "vitest";
import { bookkeepingStatements, deterministicTableId } from "./bookkeeping.ts";
import { CqlError } from "./errors.ts";
import {
  checkSequence,
  checksumOf,
  loadMigrations,
  parseMigration,
  renderTemplate,
  splitStatements,
} from "./migrations.ts";
import { COLUMNS_BY_TABLE, MEDIA_REF, TYPES } from "./tables.ts";

const values = {
  keyspace: "ks_test",
  replication: "{'class': 'NetworkTopologyStrategy', 'dc1': 1}",
};

describe("splitStatements", () => {
  it("splits at top-level semicolons and drops every kind of comment", () => {
    const text = `-- a comment; with a semicolon and an apostrophe's
      CREATE TABLE a (x int PRIMARY KEY); // another; one
      /* block; comment */ CREATE TABLE b (y text PRIMARY KEY)
        WITH comment = 'it''s; fine' ;
      INSERT INTO "Odd;Name" (k) VALUES ($$a;b$$);`;
    expect(splitStatements(text)).toEqual([
      "CREATE TABLE a (x int PRIMARY KEY)",
      "CREATE TABLE b (y text PRIMARY KEY) WITH comment = 'it''s; fine'",
      'INSERT INTO "Odd;Name" (k) VALUES ($$a;b$$)',
    ]);
  });

  it("returns nothing for comments only", () => {
    expect(splitStatements("-- nothing\n/* here */\n")).toEqual([]);
  });
});

describe("renderTemplate", () => {
  it("fills keyspace and replication and refuses unknown placeholders", () => {
    expect(
      renderTemplate("CREATE KEYSPACE {{keyspace}} WITH replication = {{ replication }}", values),
    ).toBe(`CREATE KEYSPACE ks_test WITH replication = ${values.replication}`);
    expect(() => renderTemplate("{{tablespace}}", values)).toThrow(CqlError);
  });
});

describe("migration files", () => {
  it("are named, numbered 1.. without gaps, and checksummed over the template", async () => {
    const migrations = await loadMigrations();
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(migrations[0]?.name).toBe("keyspace");
    for (const m of migrations) {
      expect(m.checksum).toBe(checksumOf(m.template));
      expect(m.checksum).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("only create or add things idempotently and always qualify names with the keyspace", async () => {
    for (const m of await loadMigrations()) {
      for (const statement of splitStatements(renderTemplate(m.template, values))) {
        expect(statement).toMatch(
          /^(CREATE (KEYSPACE|TABLE|TYPE) IF NOT EXISTS ks_test\b|ALTER TABLE IF EXISTS ks_test\.\w+ ADD IF NOT EXISTS \()/,
        );
      }
    }
  });

  it("define every table and column that tables.ts names, and no others", async () => {
    const text = (await loadMigrations())
      .flatMap((m) => splitStatements(renderTemplate(m.template, values)))
      .join(";\n");
    const defined = new Map<string, string[]>();
    for (const match of text.matchAll(
      /CREATE (TABLE|TYPE) IF NOT EXISTS ks_test\.(\w+) \((.*?)\)(?: WITH|$|;)/gs,
    )) {
      // The key clause names columns again (and a clustering key may list several): drop it.
      const body = (match[3] ?? "").replace(/,\s*PRIMARY KEY\s*\(.*$/s, "");
      const columns = body
        .split(",")
        .map((part) => part.trim().split(/\s+/)[0] ?? "")
        .filter((name) => name !== "" && name !== "PRIMARY" && /^[a-z_]+$/.test(name));
      defined.set(match[2] ?? "", columns);
    }
    // Columns added later (ALTER TABLE ... ADD IF NOT EXISTS (...)) follow the table's own.
    for (const match of text.matchAll(
      /ALTER TABLE IF EXISTS ks_test\.(\w+) ADD IF NOT EXISTS \((.*?)\)(?:$|;)/gs,
    )) {
      const added = (match[2] ?? "").split(",").map((part) => part.trim().split(/\s+/)[0] ?? "");
      defined.set(match[1] ?? "", [...(defined.get(match[1] ?? "") ?? []), ...added]);
    }
    for (const [table, columns] of Object.entries(COLUMNS_BY_TABLE)) {
      expect(defined.get(table), table).toEqual(Object.values(columns));
    }
    expect(defined.get(TYPES.mediaRef)).toEqual(Object.values(MEDIA_REF));
    expect([...defined.keys()].sort()).toEqual(
      [...Object.keys(COLUMNS_BY_TABLE), TYPES.mediaRef].sort(),
    );
  });

  it("rejects badly named, empty or out-of-sequence files", () => {
    expect(() => parseMigration("1_x.cql", "CREATE TABLE t (a int PRIMARY KEY);")).toThrow(
      CqlError,
    );
    expect(() => parseMigration("0001_x.cql", "-- empty")).toThrow(/no statements/);
    const one = parseMigration("0001_a.cql", "CREATE TABLE a (k int PRIMARY KEY);");
    const three = parseMigration("0003_c.cql", "CREATE TABLE c (k int PRIMARY KEY);");
    expect(() => checkSequence([one, three])).toThrow(/without gaps/);
    expect(() => checkSequence([one, one])).toThrow(CqlError);
  });

  it("normalises line endings in checksums", () => {
    expect(checksumOf("a\r\nb")).toBe(checksumOf("a\nb"));
    expect(checksumOf("a\nb")).not.toBe(checksumOf("a\nc"));
  });
});

describe("bookkeeping tables", () => {
  it("get the same table id on every runner, different per keyspace and table", () => {
    const id = deterministicTableId("ks1", "schema_migrations");
    expect(id).toBe(deterministicTableId("ks1", "schema_migrations"));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).not.toBe(deterministicTableId("ks2", "schema_migrations"));
    expect(id).not.toBe(deterministicTableId("ks1", "schema_migration_lease"));
    const statements = bookkeepingStatements("ks1");
    expect(statements[0]).toContain(`WITH ID = ${id}`);
    expect(statements).toHaveLength(2);
  });
});
