import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/db.ts";
import { MIGRATIONS_DIR, migrateDatabase, SCHEMA_PATH } from "../../src/store/migrate.ts";
import { diffSchemaAgainstMigrations } from "../../src/store/schema-engine.ts";

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "luzhang-migrate-"));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function modelNames(): Promise<string[]> {
  const schema = await readFile(SCHEMA_PATH, "utf8");
  return [...schema.matchAll(/^model (\w+) \{/gm)].map((m) => m[1] ?? "");
}

function tableNames(dbFile: string): string[] {
  const db = new BetterSqlite3(dbFile, { readonly: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    return rows.map((r) => r.name);
  } finally {
    db.close();
  }
}

describe("migrateDatabase", () => {
  it("creates every table on a fresh file (and its folder) and records the migrations", async () => {
    const dbFile = path.join(tmp, "fresh", "nested", "luzhang.db");
    const logs: string[] = [];
    const applied = await migrateDatabase({ dbFile, log: (msg) => logs.push(msg) });

    expect(applied.length).toBeGreaterThan(0);
    expect(applied.some((name) => name.endsWith("_init"))).toBe(true);
    expect(logs.join("\n")).toContain(applied[0]);

    const tables = tableNames(dbFile);
    for (const model of await modelNames()) expect(tables).toContain(model);

    const db = new BetterSqlite3(dbFile, { readonly: true });
    const recorded = db
      .prepare(
        "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name",
      )
      .all() as { migration_name: string }[];
    db.close();
    expect(recorded.map((r) => r.migration_name)).toEqual(applied);
  });

  it("applies nothing the second time", async () => {
    const dbFile = path.join(tmp, "twice.db");
    const first = await migrateDatabase({ dbFile, log: () => {} });
    const logs: string[] = [];
    const second = await migrateDatabase({ dbFile, log: (msg) => logs.push(msg) });
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual([]);
    expect(logs.join("\n")).toContain("up to date");
  });
});

describe("migrateDatabase on a database that has its migrations", () => {
  async function appliedRows(dbFile: string) {
    const db = new BetterSqlite3(dbFile, { readonly: true });
    try {
      return db
        .prepare("SELECT id, migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name")
        .all();
    } finally {
      db.close();
    }
  }

  it("leaves the migration table untouched when nothing is pending", async () => {
    const dbFile = path.join(tmp, "checked.db");
    await migrateDatabase({ dbFile, log: () => {} });
    const before = await appliedRows(dbFile);
    expect(await migrateDatabase({ dbFile, log: () => {} })).toEqual([]);
    expect(await appliedRows(dbFile)).toEqual(before);
  });

  it("applies a migration added later, and only that one", async () => {
    const dbFile = path.join(tmp, "later.db");
    const dir = path.join(tmp, "later-migrations");
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await migrateDatabase({ dbFile, log: () => {}, migrationsDir: dir });
    const name = "29991231000000_add_note";
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, "migration.sql"), 'ALTER TABLE "Setting" ADD COLUMN "note" TEXT;\n');
    expect(await migrateDatabase({ dbFile, log: () => {}, migrationsDir: dir })).toEqual([name]);
    expect(await migrateDatabase({ dbFile, log: () => {}, migrationsDir: dir })).toEqual([]);
  });
});

describe("diffSchemaAgainstMigrations", () => {
  it("returns nothing when the schema matches the committed migrations", async () => {
    const sql = await diffSchemaAgainstMigrations({
      migrationsDir: MIGRATIONS_DIR,
      schemaPath: SCHEMA_PATH,
      scratchDir: path.join(tmp, "scratch"),
    });
    expect(sql).toBe("");
  });

  it("returns the SQL for a field added to a copy of the schema", async () => {
    const dir = path.join(tmp, "changed");
    await cp(MIGRATIONS_DIR, path.join(dir, "migrations"), { recursive: true });
    const schema = await readFile(SCHEMA_PATH, "utf8");
    const changed = schema.replace(/^model Setting \{\n/m, '$&  note String @default("")\n');
    expect(changed).not.toBe(schema);
    const schemaPath = path.join(dir, "schema.prisma");
    await writeFile(schemaPath, changed);

    const sql = await diffSchemaAgainstMigrations({
      migrationsDir: path.join(dir, "migrations"),
      schemaPath,
      scratchDir: path.join(tmp, "scratch"),
    });
    // SQLite may either add the column or redefine the table; both mention the new column.
    expect(sql).toMatch(/ALTER TABLE "Setting" ADD COLUMN "note"|CREATE TABLE "new_Setting"/);
    expect(sql).toContain('"note"');
    expect(sql).not.toMatch(/CREATE TABLE "Person"/);
  });

  it("creates every table when there is no migration yet", async () => {
    const sql = await diffSchemaAgainstMigrations({
      migrationsDir: path.join(tmp, "no-migrations"),
      schemaPath: SCHEMA_PATH,
      scratchDir: path.join(tmp, "scratch"),
    });
    for (const model of await modelNames()) expect(sql).toContain(`CREATE TABLE "${model}"`);
  });
});

describe("openDatabase", () => {
  it("uses WAL with foreign keys on, and rolls back an interactive transaction that throws", async () => {
    const dbFile = path.join(tmp, "client.db");
    await migrateDatabase({ dbFile, log: () => {} });
    const { prisma, close } = openDatabase({ dbFile });
    try {
      const [journal] = await prisma.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
      expect(journal?.journal_mode).toBe("wal");
      const [fk] = await prisma.$queryRawUnsafe<{ foreign_keys: number | bigint }[]>("PRAGMA foreign_keys");
      expect(Number(fk?.foreign_keys)).toBe(1);
      const [busy] = await prisma.$queryRawUnsafe<{ timeout: number | bigint }[]>("PRAGMA busy_timeout");
      expect(Number(busy?.timeout)).toBe(5000);

      await expect(
        prisma.$transaction(async (tx) => {
          await tx.setting.create({ data: { key: "a", value: "1" } });
          await tx.setting.create({ data: { key: "b", value: "2" } });
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await prisma.setting.count()).toBe(0);

      await prisma.$transaction(async (tx) => {
        await tx.setting.create({ data: { key: "c", value: "3" } });
      });
      expect(await prisma.setting.findMany()).toEqual([{ key: "c", value: "3" }]);

      // Foreign keys are enforced: a crossing on an unknown road is refused.
      await expect(
        prisma.crossing.create({ data: { roadName: "nowhere", name: "x", seq: 1 } }),
      ).rejects.toThrow();
    } finally {
      await close();
    }
  });
});
