// `npm run db:copy -- --from ./data/luzhang.db --to postgres://user:password@host:5432/dbname`
// Copies a SQLite database to an empty PostgreSQL database (src/store/postgres-copy.ts): the target is
// migrated, every table is copied in one transaction, row counts are checked table by table, and a
// non-empty target is refused. Exit 0 when copied, 1 when refused or failed (nothing is written then),
// 2 for bad arguments. The password in --to is never printed.
import { parseArgs } from "node:util";
import { copySqliteToPostgres, DbCopyError } from "../src/store/postgres-copy.ts";
import { isPostgresUrl } from "../src/store/postgres-schema.ts";
import { COPY_TEXTS } from "../src/store/postgres-texts.ts";

function usage(message: string): never {
  console.error(`db:copy: ${message}\n${COPY_TEXTS.usage}`);
  process.exit(2);
}

async function main(): Promise<number> {
  let values: { from?: string | undefined; to?: string | undefined };
  try {
    ({ values } = parseArgs({
      options: { from: { type: "string" }, to: { type: "string" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    usage((error as Error).message);
  }
  if (!values.from || !values.to) usage("--from 和 --to 都要给出");
  if (!isPostgresUrl(values.to)) usage(COPY_TEXTS.toNotPostgres);
  try {
    await copySqliteToPostgres({ from: values.from, to: values.to, log: (line) => console.log(line) });
    return 0;
  } catch (error) {
    if (!(error instanceof DbCopyError)) throw error;
    console.error(`db:copy：${error.message}`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`db:copy 失败：${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
