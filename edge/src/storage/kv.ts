// Typed keys for a Durable Object's small JSON values (table `kv`): each key is declared once with
// the type of its value, so a reader and a writer cannot disagree on either the name or the type.
// The names are the stored keys ("scope:name"), unchanged from the string scopes they replace.

/** A key whose value is a `T` (the type is only carried, never stored). */
export interface KvKey<T> {
  readonly name: string;
  /** Phantom: ties the key to its value type. */
  readonly value?: T;
}

export function kvKey<T>(name: string): KvKey<T> {
  return { name };
}

/** Reads and writes typed keys (the ConversationDO's store implements it). */
export interface TypedKv {
  get<T>(key: KvKey<T>): T | undefined;
  set<T>(key: KvKey<T>, value: T): void;
  delete(key: KvKey<unknown>): void;
}

export const KV_SCHEMA =
  "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

/** `TypedKv` over a Durable Object's SQLite table `kv`. */
export class SqlKv implements TypedKv {
  private readonly sql: SqlStorage;
  constructor(sql: SqlStorage) {
    this.sql = sql;
  }
  get<T>(key: KvKey<T>): T | undefined {
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM kv WHERE key = ?", key.name)
      .toArray()[0];
    return row ? (JSON.parse(row.value) as T) : undefined;
  }
  set<T>(key: KvKey<T>, value: T): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)",
      key.name,
      JSON.stringify(value),
    );
  }
  delete(key: KvKey<unknown>): void {
    this.sql.exec("DELETE FROM kv WHERE key = ?", key.name);
  }
}
