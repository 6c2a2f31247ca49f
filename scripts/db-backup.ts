// `npm run db:backup -- [--db PATH] [--out FILE]`: a consistent copy of the SQLite database, taken
// while the service runs (SQLite online backup). Default: <DATA_DIR>/backups/luzhang-<time>.db.
// Restore with `npm run db:restore -- FILE` (docs/security.md).
import "dotenv/config";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.ts";
import { backupDatabase } from "../src/store/db-backup.ts";

const { values } = parseArgs({ options: { db: { type: "string" }, out: { type: "string" } }, strict: true });
const config = loadConfig(process.env);
const dbFile = path.resolve(values.db ?? config.databaseFile);
const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
const out = path.resolve(values.out ?? path.join(config.dataDir, "backups", `luzhang-${stamp}.db`));
backupDatabase(dbFile, out).then(
  (size) => console.log(`已备份 ${dbFile} → ${out}（${Math.round(size / 1024)} KB，完整性检查通过）`),
  (error: unknown) => {
    console.error(`db:backup 失败：${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
