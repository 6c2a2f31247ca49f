// `npm run db:generate` (also run on npm install): generates the two Prisma clients from the one schema,
// prisma/schema.prisma (SQLite) into src/store/generated and its PostgreSQL twin into
// src/store/generated-postgresql. Each generated client is compiled for one provider and refuses an
// adapter of another, hence two (docs/postgresql.md). Runs `prisma generate` without downloading the
// native schema engine (see no-schema-engine.sh).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { POSTGRES_CLIENT_DIR, toPostgresSchema } from "../src/store/postgres-schema.ts";

const stub = fileURLToPath(new URL("./no-schema-engine.sh", import.meta.url));
const schemaPath = fileURLToPath(new URL("../prisma/schema.prisma", import.meta.url));

function generate(args: string[]): void {
  const result = spawnSync("npx", ["prisma", "generate", ...args], {
    stdio: "inherit",
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

generate([]);
// The derived schema is written to a temporary folder: it is never edited, only generated from.
const dir = mkdtempSync(path.join(os.tmpdir(), "luzhang-pg-schema-"));
try {
  const derived = path.join(dir, "schema.prisma");
  writeFileSync(derived, toPostgresSchema(readFileSync(schemaPath, "utf8"), { output: POSTGRES_CLIENT_DIR }));
  generate(["--schema", derived]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
