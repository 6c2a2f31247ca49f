// `npm run db:restore -- FILE [--db PATH]`: puts a backup made by `npm run db:backup` in place of the
// database. Stop the service first (the command refuses while it runs). The current file is kept as
// <database>.before-restore-<time>, and the restored database gets a new random id (docs/security.md).
import "dotenv/config";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.ts";
import { restoreDatabase } from "../src/store/db-backup.ts";

const { values, positionals } = parseArgs({
  options: { db: { type: "string" } },
  strict: true,
  allowPositionals: true,
});
const [backup] = positionals;
if (!backup) {
  console.error("用法：npm run db:restore -- 备份文件 [--db 数据库文件]");
  process.exit(1);
}
const dbFile = path.resolve(values.db ?? loadConfig(process.env).databaseFile);
restoreDatabase(path.resolve(backup), dbFile).then(
  (kept) =>
    console.log(
      `已用 ${backup} 恢复 ${dbFile}${kept ? `；原来的文件保留为 ${kept}` : ""}。现在可以启动服务（npm start）`,
    ),
  (error: unknown) => {
    console.error(`db:restore 失败：${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
