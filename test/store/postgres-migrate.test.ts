/**
 * PostgreSQL migrations at start, on a real server: applied through the wasm schema engine and the pg
 * adapter, recorded in `_prisma_migrations`, nothing the second time, and once only when several
 * instances start together (an advisory lock around the step).
 */
import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, SCHEMA_PATH } from "../../src/store/migrate.ts";
import { MIGRATION_LOCK_KEY, migratePostgres } from "../../src/store/postgres-migrate.ts";
import { POSTGRES_LOCK_CONTENT, POSTGRES_MIGRATIONS_DIR } from "../../src/store/postgres-schema.ts";
import { readMigrationList } from "../../src/store/schema-engine.ts";
import { postgresServer } from "../helpers/postgres.ts";

const server = await postgresServer();

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function folderNames(): Promise<string[]> {
  const list = await readMigrationList(POSTGRES_MIGRATIONS_DIR, POSTGRES_LOCK_CONTENT);
  return list.migrationDirectories.map((d) => d.path);
}

function runChild(url: string, migrationsDir: string): Promise<{ applied: string[] }> {
  return new Promise((resolve, reject) => {
    const args = ["--import", "tsx", "test/fixtures/postgres-migrate-child.ts", url, migrationsDir];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`child exited ${code}: ${out}`));
      else resolve(JSON.parse(line) as { applied: string[] });
    });
  });
}

describe.skipIf(!server.available)("migratePostgres on a real PostgreSQL server", () => {
  it("keeps a PostgreSQL folder next to the SQLite one, with its own provider", async () => {
    expect((await folderNames()).length).toBeGreaterThan(0);
    expect(await readFile(`${POSTGRES_MIGRATIONS_DIR}/migration_lock.toml`, "utf8")).toContain(
      'provider = "postgresql"',
    );
    expect(await readFile(`${MIGRATIONS_DIR}/migration_lock.toml`, "utf8")).toContain('provider = "sqlite"');
  });

  it("creates every table of the schema, records each migration, and applies nothing the second time", async () => {
    const url = await server.createDatabase("migrate");
    const logs: string[] = [];
    const applied = await migratePostgres({ url, log: (m) => logs.push(m) });
    expect(applied).toEqual(await folderNames());
    expect(logs.join("\n")).not.toContain(":app@"); // the password is never logged
    expect(logs.join("\n")).toContain("***");

    const models = [...(await readFile(SCHEMA_PATH, "utf8")).matchAll(/^model (\w+) \{/gm)].map((m) => m[1]);
    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    for (const model of models) expect(tables.map((t) => t.table_name)).toContain(model);
    const recorded = await query<{ migration_name: string }>(
      url,
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name",
    );
    expect(recorded.map((r) => r.migration_name)).toEqual(applied);

    const again: string[] = [];
    expect(await migratePostgres({ url, log: (m) => again.push(m) })).toEqual([]);
    expect(again.join("\n")).toContain("up to date");
    expect(await query(url, "SELECT 1 FROM _prisma_migrations")).toHaveLength(applied.length);
  });

  it("waits while another instance holds the migration lock, then applies", async () => {
    const url = await server.createDatabase("lock");
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
    let settled = false;
    const run = migratePostgres({ url, log: () => {} }).finally(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(settled).toBe(false);
    expect(
      (await query<{ t: string | null }>(url, `SELECT to_regclass('"Case"')::text AS t`))[0]?.t,
    ).toBeNull();
    await holder.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]);
    await holder.end();
    expect(await run).toEqual(await folderNames());
  });

  it("applies each migration once when two instances start together, even one longer than the engine's 10 s lock wait", {
    timeout: 90_000,
  }, async () => {
    // The project's migrations plus one that runs 11 s: the engine's own advisory lock gives up after
    // 10 s ("Timed out trying to acquire a postgres advisory lock", checked without ours), so the
    // second instance would fail to start; with the lock around the whole step it waits and skips.
    const dir = await mkdtemp(path.join(os.tmpdir(), "luzhang-pg-slow-"));
    await cp(POSTGRES_MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(path.join(dir, "99990101000000_slow"));
    await writeFile(path.join(dir, "99990101000000_slow", "migration.sql"), "SELECT pg_sleep(11);\n");
    const url = await server.createDatabase("twostarts");
    try {
      const [a, b] = await Promise.all([runChild(url, dir), runChild(url, dir)]);
      const all = [...(await folderNames()), "99990101000000_slow"];
      // One applied everything; the other waited for the lock and found nothing left to do.
      expect([a?.applied, b?.applied].sort((x, y) => (y?.length ?? 0) - (x?.length ?? 0))).toEqual([all, []]);
      const rows = await query<{ migration_name: string; n: string }>(
        url,
        "SELECT migration_name, count(*) AS n FROM _prisma_migrations GROUP BY migration_name",
      );
      expect(rows).toHaveLength(all.length);
      expect(rows.every((r) => r.n === "1")).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("applies a migration whole: a ';' in a literal or comment is fine, and a failure leaves none of it", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "luzhang-pg-script-"));
    await cp(POSTGRES_MIGRATIONS_DIR, dir, { recursive: true });
    const add = async (name: string, sql: string) => {
      await mkdir(path.join(dir, name));
      await writeFile(path.join(dir, name, "migration.sql"), sql);
    };
    await add(
      "99990101000000_semicolons",
      `-- one; two\nALTER TABLE "Setting" ADD COLUMN "a" TEXT NOT NULL DEFAULT 'x;y';\n`,
    );
    const url = await server.createDatabase("script");
    try {
      expect(await migratePostgres({ url, migrationsDir: dir, log: () => {} })).toContain(
        "99990101000000_semicolons",
      );
      const column = `SELECT column_default AS d FROM information_schema.columns WHERE table_name = 'Setting' AND column_name = $1`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      expect((await client.query(column, ["a"])).rows).toEqual([{ d: "'x;y'::text" }]);

      await add(
        "99990102000000_broken",
        `ALTER TABLE "Setting" ADD COLUMN "b" TEXT;\nSELECT * FROM "NoSuchTable";\n`,
      );
      await expect(migratePostgres({ url, migrationsDir: dir, log: () => {} })).rejects.toThrow(
        /NoSuchTable/,
      );
      expect((await client.query(column, ["b"])).rows).toEqual([]);
      const failed = await client.query(
        "SELECT finished_at FROM _prisma_migrations WHERE migration_name = '99990102000000_broken'",
      );
      expect(failed.rows).toEqual([{ finished_at: null }]);
      await client.end();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("says which server it could not reach", async () => {
    await expect(
      migratePostgres({ url: "postgres://app:secret@127.0.0.1:1/none", log: () => {} }),
    ).rejects.toThrow(/cannot connect to postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/none/);
  });
});
