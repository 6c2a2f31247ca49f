/**
 * One schema, two migration folders: prisma/migrations (SQLite) and prisma/migrations-postgresql must
 * make the same tables, columns, keys and indexes, and `npm run db:migrate -- --name …` must add the
 * next migration to both from one schema edit. On a real PostgreSQL server.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, migrateDatabase, SCHEMA_PATH } from "../../src/store/migrate.ts";
import { createMigrations } from "../../src/store/migration-create.ts";
import { migratePostgres } from "../../src/store/postgres-migrate.ts";
import { POSTGRES_MIGRATIONS_DIR, POSTGRES_SNAPSHOT_FILE } from "../../src/store/postgres-schema.ts";
import { PG_TEST_URL, postgresServer } from "../helpers/postgres.ts";
import { postgresShape, sqliteShape } from "../helpers/schema-shape.ts";

const server = await postgresServer();
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "luzhang-in-step-"));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const quiet = () => {};

describe.skipIf(!server.available)("the SQLite and PostgreSQL migration folders", () => {
  it("make the same tables, columns, keys and indexes", async () => {
    const dbFile = path.join(tmp, "committed.db");
    await migrateDatabase({ dbFile, log: quiet });
    const url = await server.createDatabase("instep");
    await migratePostgres({ url, log: quiet });
    const sqlite = sqliteShape(dbFile);
    const postgres = await postgresShape(url);
    expect(Object.keys(sqlite).length).toBeGreaterThan(15);
    expect(postgres).toEqual(sqlite);
  });

  it("keep the PostgreSQL snapshot equal to the schema (no change waits for its PostgreSQL migration)", async () => {
    const snapshot = await readFile(path.join(POSTGRES_MIGRATIONS_DIR, POSTGRES_SNAPSHOT_FILE), "utf8");
    expect(snapshot, "run npm run db:migrate -- --name <change>").toBe(await readFile(SCHEMA_PATH, "utf8"));
  });

  it("both get the next migration from one schema edit, and stay in step", { timeout: 90_000 }, async () => {
    const prisma = path.join(tmp, "prisma");
    const sqliteDir = path.join(prisma, "migrations");
    const postgresDir = path.join(prisma, "migrations-postgresql");
    const schemaPath = path.join(prisma, "schema.prisma");
    await cp(MIGRATIONS_DIR, sqliteDir, { recursive: true });
    await cp(POSTGRES_MIGRATIONS_DIR, postgresDir, { recursive: true });
    const before = await readFile(SCHEMA_PATH, "utf8");
    const edited = before.replace(
      "model Setting {\n  key   String @id\n  value String\n",
      'model Setting {\n  key   String @id\n  value String\n  scope String @default("county")\n\n  @@index([scope])\n',
    );
    expect(edited).not.toBe(before);
    await writeFile(schemaPath, edited);

    // A database of each kind as deployed before the edit.
    const dbFile = path.join(tmp, "upgraded.db");
    await migrateDatabase({ dbFile, log: quiet, migrationsDir: sqliteDir });
    const url = await server.createDatabase("upgrade");
    await migratePostgres({ url, log: quiet, migrationsDir: postgresDir });

    const options = { name: "setting_scope", schemaPath, sqliteDir, postgresDir, postgresUrl: PG_TEST_URL };
    const created = await createMigrations({ ...options, now: new Date(2099, 0, 2, 3, 4, 5) });
    expect(created.folder).toBe("20990102030405_setting_scope");
    expect(created.sqlite).toMatch(/"scope" TEXT NOT NULL DEFAULT 'county'/);
    expect(created.postgres).toContain(
      `ALTER TABLE "Setting" ADD COLUMN     "scope" TEXT NOT NULL DEFAULT 'county'`,
    );
    expect(created.postgres).toContain(`CREATE INDEX "Setting_scope_idx" ON "Setting"("scope")`);
    for (const dir of [sqliteDir, postgresDir])
      expect(
        await readFile(path.join(dir, "20990102030405_setting_scope", "migration.sql"), "utf8"),
      ).not.toBe("");
    expect(await readFile(path.join(postgresDir, POSTGRES_SNAPSHOT_FILE), "utf8")).toBe(edited);

    // Each deployed database takes the one new migration, and the two still match.
    expect(await migrateDatabase({ dbFile, log: quiet, migrationsDir: sqliteDir })).toEqual([created.folder]);
    expect(await migratePostgres({ url, log: quiet, migrationsDir: postgresDir, schemaPath })).toEqual([
      created.folder,
    ]);
    const postgres = await postgresShape(url);
    expect(postgres.Setting?.indexes).toContain("Setting_scope_idx(scope)");
    expect(postgres).toEqual(sqliteShape(dbFile));

    // Nothing left to create.
    expect((await createMigrations({ ...options, now: new Date(2099, 0, 2, 3, 4, 6) })).folder).toBeNull();
  });
});
