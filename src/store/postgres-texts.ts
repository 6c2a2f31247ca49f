/** Every Chinese sentence of the PostgreSQL backend: configuration, start-up, `npm run db:copy`. */

export const DATABASE_URL_INVALID =
  "DATABASE_URL 应为 PostgreSQL 连接串，如 postgres://用户:密码@主机:5432/数据库名；" +
  "使用默认的 SQLite 时不要设置 DATABASE_URL（SQLite 文件位置用 DATABASE_FILE 设置）";

/** Start-up on PostgreSQL stops after migrating: the message hot path is SQLite SQL still. */
export function backendIncomplete(where: string, applied: string[]): string {
  const done =
    applied.length > 0 ? `已在 ${where} 应用 ${applied.length} 个迁移` : `${where} 的表结构已是最新`;
  return (
    `${done}，但路长通在 PostgreSQL 上尚不能运行：消息处理（收件箱、案件、发件箱）目前只支持 SQLite。` +
    "请先去掉 DATABASE_URL，用 SQLite 运行（DATA_DIR / DATABASE_FILE）；进度见 docs/postgresql.md。"
  );
}

export const COPY_TEXTS = {
  usage:
    "用法：npm run db:copy -- --from ./data/luzhang.db --to postgres://用户:密码@主机:5432/数据库名\n" +
    "把一个 SQLite 数据库整库复制到一个空的 PostgreSQL 数据库（在一个事务里完成，失败时目标库不留任何数据）。",
  toNotPostgres: "--to 应为 PostgreSQL 连接串（postgres://…）",
  sourceMissing: (file: string) => `找不到源数据库文件 ${file}`,
  sourceNotMigrated: (missing: string[], unknown: string[]) =>
    [
      missing.length > 0
        ? `源数据库缺少迁移 ${missing.join("、")}：请先用当前版本启动一次服务（或运行 npm run db:migrate -- --apply）再复制`
        : "",
      unknown.length > 0
        ? `源数据库有本版本不认识的迁移 ${unknown.join("、")}：请用与该数据库相同或更新的版本复制`
        : "",
    ]
      .filter(Boolean)
      .join("；"),
  schemaMismatch: (detail: string) => `两边的表结构不一致（${detail}）：请确认两边都已应用本版本的全部迁移`,
  targetNotEmpty: (tables: string[]) =>
    `目标数据库不是空的（已有表或数据：${tables.join("、")}）：为免覆盖，只能复制到空库。请换一个新建的数据库`,
  rowInvalid: (table: string, row: number, column: string, why: string) =>
    `表 ${table} 第 ${row} 行的 ${column} 无法转换：${why}`,
  countMismatch: (table: string, source: number, target: number) =>
    `表 ${table} 行数不一致：源 ${source} 行，目标 ${target} 行`,
  failed: (table: string, message: string) => `复制表 ${table} 时失败：${message}`,
  rolledBack: (message: string) => `${message}。目标数据库已回滚，没有写入任何数据`,
  migrating: (where: string) => `目标库 ${where}：应用 PostgreSQL 迁移…`,
  table: (table: string, rows: number, ms: number) => `  ${table}：${rows} 行（${ms} ms）`,
  sequences: (count: number) => `  已重置 ${count} 个自增序列`,
  done: (tables: number, rows: number, ms: number) =>
    `完成：${tables} 张表、共 ${rows} 行，行数逐表核对一致（${ms} ms）。照片文件仍在 DATA_DIR/media 下，未复制。`,
};
