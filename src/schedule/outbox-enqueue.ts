/**
 * Queues a scheduled message in the outbox under a deterministic idempotency key
 * (`digest:<chatId>:<day>`, `remind:<caseId>:<stage>` …): queuing the same key twice does nothing,
 * which is what makes a resumed or repeated run harmless.
 */
import type { OutboundMessage } from "../core/types.ts";
import type { Prisma, PrismaClient } from "../store/generated/client.ts";
import type { Sql } from "../store/sql.ts";

type Db = PrismaClient | Prisma.TransactionClient;

/** Whether a message with this key is already in the outbox (queued, sent or dead). */
export async function isQueued(db: Db, idempotencyKey: string): Promise<boolean> {
  return (await db.outboxMessage.count({ where: { idempotencyKey } })) > 0;
}

/** SQLite caps bound parameters per statement; 500 stays far below every version's limit (999 before 3.32). */
const KEY_CHUNK = 500;
const KEYS_QUERY = `SELECT idempotencyKey FROM "OutboxMessage" WHERE idempotencyKey IN (${Array(KEY_CHUNK).fill("?").join(",")})`;

/** Which of `keys` are already in the outbox (direct SQL: a check may ask about thousands). */
export function queuedKeys(sql: Sql, keys: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += KEY_CHUNK) {
    const chunk = keys.slice(i, i + KEY_CHUNK);
    // Padded to one size (repeating a key is harmless in IN) so one prepared statement serves all.
    const params = [...chunk, ...Array<string>(KEY_CHUNK - chunk.length).fill(chunk[0] ?? "")];
    const rows = sql.all<{ idempotencyKey: string }>(KEYS_QUERY, ...params);
    for (const r of rows) found.add(r.idempotencyKey);
  }
  return found;
}

/** Adds the message unless its key exists; returns whether it was added. */
export async function enqueueOnce(
  db: Db,
  message: OutboundMessage,
  options: { idempotencyKey: string; caseId?: number | null; now: Date },
): Promise<boolean> {
  if (await isQueued(db, options.idempotencyKey)) return false;
  const [channel] = message.chatId.split(":", 1);
  try {
    await db.outboxMessage.create({
      data: {
        idempotencyKey: options.idempotencyKey,
        channel: channel ?? "",
        chatId: message.chatId,
        payload: JSON.stringify(message),
        caseId: options.caseId ?? null,
        kind: message.kind,
        nextAttemptAt: new Date(0),
        createdAt: options.now,
      },
    });
  } catch (e) {
    // Another writer queued the same key between the check and the insert: still queued once.
    if (typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002") return false;
    throw e;
  }
  return true;
}
