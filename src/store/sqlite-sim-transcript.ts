/** The simulator transcript stored in SimMessage rows, so the demo chat survives restarts. */
import type {
  SimTranscript,
  TranscriptAppend,
  TranscriptEntry,
} from "../../bots/simulator/sim-transcript.ts";
import type { ChatId } from "../core/types.ts";
import { fromDbDate, type Sql, toDbDate } from "./sql.ts";

export class SqliteSimTranscript implements SimTranscript {
  constructor(private readonly sql: Sql) {}

  async append(entry: TranscriptAppend): Promise<{ id: number; created: boolean }> {
    const r = this.sql.run(
      'INSERT OR IGNORE INTO "SimMessage" (key, chatId, direction, payload, at) VALUES (?,?,?,?,?)',
      entry.key,
      entry.chatId,
      entry.direction,
      JSON.stringify(entry.payload),
      toDbDate(entry.at),
    );
    if (r.changes === 1) return { id: r.lastInsertRowid, created: true };
    const existing = this.sql.get<{ id: number }>('SELECT id FROM "SimMessage" WHERE key = ?', entry.key);
    if (!existing) throw new Error(`simulator transcript: ${entry.key} neither inserted nor found`);
    return { id: existing.id, created: false };
  }

  async list(query: { chatId: ChatId; afterId: number; limit: number }): Promise<TranscriptEntry[]> {
    const rows = this.sql.all<{
      id: number;
      key: string;
      chatId: string;
      direction: string;
      payload: string;
      at: string;
    }>(
      'SELECT id, key, chatId, direction, payload, at FROM "SimMessage" WHERE chatId = ? AND id > ? ORDER BY id LIMIT ?',
      query.chatId,
      query.afterId,
      Math.max(0, query.limit),
    );
    return rows.map(
      (r) =>
        ({
          id: r.id,
          key: r.key,
          chatId: r.chatId,
          at: fromDbDate(r.at),
          direction: r.direction,
          payload: JSON.parse(r.payload),
        }) as TranscriptEntry,
    );
  }
}
