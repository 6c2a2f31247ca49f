/** The simulator transcript stored in SimMessage rows, so the demo chat survives restarts. */
import type { SimTranscript, TranscriptAppend, TranscriptEntry } from "../../bots/simulator/sim-transcript.ts";
import type { ChatId } from "../core/types.ts";
import type { PrismaClient } from "./generated/client.ts";

export class PrismaSimTranscript implements SimTranscript {
  constructor(private readonly prisma: PrismaClient) {}

  async append(entry: TranscriptAppend): Promise<{ id: number; created: boolean }> {
    const existing = await this.prisma.simMessage.findUnique({ where: { key: entry.key }, select: { id: true } });
    if (existing) return { id: existing.id, created: false };
    try {
      const row = await this.prisma.simMessage.create({
        data: { key: entry.key, chatId: entry.chatId, direction: entry.direction, payload: JSON.stringify(entry.payload), at: entry.at },
        select: { id: true },
      });
      return { id: row.id, created: true };
    } catch (e) {
      // A concurrent append of the same key won the race: report the stored one.
      const again = await this.prisma.simMessage.findUnique({ where: { key: entry.key }, select: { id: true } });
      if (again) return { id: again.id, created: false };
      throw e;
    }
  }

  async list(query: { chatId: ChatId; afterId: number; limit: number }): Promise<TranscriptEntry[]> {
    const rows = await this.prisma.simMessage.findMany({
      where: { chatId: query.chatId, id: { gt: query.afterId } },
      orderBy: { id: "asc" },
      take: Math.max(0, query.limit),
    });
    return rows.map(
      (r) =>
        ({
          id: r.id,
          key: r.key,
          chatId: r.chatId,
          at: r.at,
          direction: r.direction,
          payload: JSON.parse(r.payload),
        }) as TranscriptEntry,
    );
  }
}
