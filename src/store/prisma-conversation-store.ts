/** ConversationStore over one Prisma transaction. */
import type {
  CasePatch,
  CaseRecord,
  ConversationStore,
  NewCase,
  NewCaseEvent,
} from "../conversation/conversation-store.ts";
import { formatCaseNumber } from "../core/case-number.ts";
import { OPEN_STATES, type CaseState, type OutboundMessage } from "../core/types.ts";
import { toCaseColumns, toCaseRecord } from "./case-mapper.ts";
import type { Prisma } from "./generated/client.ts";

type Tx = Prisma.TransactionClient;
const OPEN = OPEN_STATES as CaseState[];

export class PrismaConversationStore implements ConversationStore {
  constructor(
    private readonly tx: Tx,
    private readonly now: Date,
  ) {}

  async createCase(data: NewCase): Promise<CaseRecord> {
    const { prefix, day, ...rest } = data;
    const last = await this.tx.case.findFirst({ where: { day }, orderBy: { seq: "desc" }, select: { seq: true } });
    const seq = (last?.seq ?? 0) + 1;
    const cols = toCaseColumns(rest) as Prisma.CaseUncheckedCreateInput;
    const row = await this.tx.case.create({
      data: { ...cols, number: formatCaseNumber(prefix, day, seq), day, seq } as Prisma.CaseUncheckedCreateInput,
    });
    return toCaseRecord(row);
  }

  async updateCase(id: number, patch: CasePatch): Promise<CaseRecord> {
    const row = await this.tx.case.update({ where: { id }, data: toCaseColumns(patch) as Prisma.CaseUncheckedUpdateInput });
    return toCaseRecord(row);
  }

  async appendEvent(e: NewCaseEvent): Promise<void> {
    await this.tx.caseEvent.create({
      data: {
        caseId: e.caseId,
        type: e.type,
        fromState: e.fromState ?? null,
        toState: e.toState ?? null,
        actorKey: e.actorKey,
        actorName: e.actorName,
        actorRole: e.actorRole,
        channel: e.channel,
        messageId: e.messageId ?? null,
        at: e.at,
        data: JSON.stringify(e.data ?? {}),
      },
    });
  }

  async caseByNumber(number: string): Promise<CaseRecord | null> {
    const row = await this.tx.case.findUnique({ where: { number } });
    return row ? toCaseRecord(row) : null;
  }

  async caseById(id: number): Promise<CaseRecord | null> {
    const row = await this.tx.case.findUnique({ where: { id } });
    return row ? toCaseRecord(row) : null;
  }

  async caseForMessage(platformMessageId: string): Promise<CaseRecord | null> {
    const out = await this.tx.outboxMessage.findFirst({
      where: { platformMessageId, caseId: { not: null } },
      select: { caseId: true },
    });
    if (out?.caseId) return this.caseById(out.caseId);
    const row = await this.tx.case.findFirst({ where: { sourceMessageId: platformMessageId }, orderBy: { id: "asc" } });
    return row ? toCaseRecord(row) : null;
  }

  async openCasesHandledBy(personId: string): Promise<CaseRecord[]> {
    const rows = await this.tx.case.findMany({
      where: { state: { in: OPEN }, OR: [{ handlerId: personId }, { coHandlers: { contains: JSON.stringify(personId) } }] },
      orderBy: { id: "asc" },
      take: 200,
    });
    return rows.map(toCaseRecord);
  }

  async openCasesReportedBy(reporterKey: string, chatId: string): Promise<CaseRecord[]> {
    const rows = await this.tx.case.findMany({
      where: { reporterKey, chatId, state: { in: OPEN } },
      orderBy: { id: "desc" },
      take: 50,
    });
    return rows.map(toCaseRecord);
  }

  async openCasesOnSegment(segmentId: string): Promise<CaseRecord[]> {
    const rows = await this.tx.case.findMany({ where: { segmentId, state: { in: OPEN } }, orderBy: { id: "asc" } });
    return rows.map(toCaseRecord);
  }

  async casesInStates(states: readonly CaseState[], limit: number): Promise<CaseRecord[]> {
    const rows = await this.tx.case.findMany({ where: { state: { in: [...states] } }, orderBy: { id: "asc" }, take: limit });
    return rows.map(toCaseRecord);
  }

  async attachMedia(caseId: number, hashes: readonly string[], kind: "before" | "after", at: Date): Promise<void> {
    for (const mediaHash of new Set(hashes)) {
      await this.tx.caseMedia.upsert({
        where: { caseId_mediaHash_kind: { caseId, mediaHash, kind } },
        create: { caseId, mediaHash, kind, addedAt: at },
        update: {},
      });
    }
  }

  async addPendingPhotos(p: { chatId: string; senderKey: string; hashes: readonly string[]; messageId: string; at: Date }) {
    for (const mediaHash of p.hashes) {
      await this.tx.pendingPhoto.create({
        data: { chatId: p.chatId, senderKey: p.senderKey, mediaHash, messageId: p.messageId, receivedAt: p.at },
      });
    }
  }

  async takePendingPhotos(chatId: string, senderKey: string, since: Date): Promise<string[]> {
    const rows = await this.tx.pendingPhoto.findMany({
      where: { chatId, senderKey, consumed: false, receivedAt: { gte: since } },
      orderBy: { id: "asc" },
    });
    if (rows.length === 0) return [];
    await this.tx.pendingPhoto.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { consumed: true } });
    return [...new Set(rows.map((r) => r.mediaHash))];
  }

  async lastEventBy(actorKey: string, type: string, since: Date) {
    const row = await this.tx.caseEvent.findFirst({
      where: { actorKey, type, at: { gte: since } },
      orderBy: { id: "desc" },
      select: { caseId: true, at: true },
    });
    return row ?? null;
  }

  async enqueue(message: OutboundMessage, options: { idempotencyKey: string; caseId?: number | null }) {
    const [channel] = message.chatId.split(":", 1);
    await this.tx.outboxMessage.upsert({
      where: { idempotencyKey: options.idempotencyKey },
      create: {
        idempotencyKey: options.idempotencyKey,
        channel: channel ?? "",
        chatId: message.chatId,
        payload: JSON.stringify(message),
        caseId: options.caseId ?? null,
        kind: message.kind,
        nextAttemptAt: new Date(0),
        createdAt: this.now,
      },
      update: {},
    });
  }
}
