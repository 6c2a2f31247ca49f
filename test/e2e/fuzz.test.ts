/**
 * 1,000 random and malformed inbound messages through the whole conversation core: no crash, each
 * gets a reply or is dropped with a logged reason, and the database stays consistent.
 */
import { describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/core/types.ts";
import { PNG_1PX, startTestApp } from "../helpers/test-app.ts";

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  "收到",
  "已整改",
  "核查通过",
  "返工",
  "延时 2天",
  "吹哨 交警",
  "回退",
  "查询",
  "帮助",
  "我的任务",
  "商都大道",
  "民康路口",
  "垃圾桶满了",
  "ZM20261126-001",
  "@路长通",
  "<script>alert(1)</script>",
  "\u0000",
  "\u202e",
  "🙂",
];

describe("fuzzing the conversation core", () => {
  it("survives 1,000 random and malformed messages", { timeout: 240_000 }, async () => {
    const t = await startTestApp();
    const r = rng(20261126);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    const people = [...t.app.roster().people.values()];
    const randomText = () => {
      const kind = r();
      if (kind < 0.3)
        return Array.from({ length: 1 + Math.floor(r() * 5) }, () => pick(WORDS)).join(pick(["", " ", "，"]));
      if (kind < 0.6)
        return String.fromCodePoint(
          ...Array.from({ length: Math.floor(r() * 200) }, () => Math.floor(r() * 0x2ffff)).filter(
            (c) => c < 0xd800 || c > 0xdfff,
          ),
        );
      if (kind < 0.7) return "长".repeat(Math.floor(r() * 30_000));
      if (kind < 0.8)
        return Array.from({ length: 50 }, () => String.fromCharCode(Math.floor(r() * 32))).join("");
      return pick(WORDS);
    };
    let dropped = 0;
    for (let i = 0; i < 1000; i++) {
      const who = r() < 0.7 ? pick(people) : null;
      const msg: Record<string, unknown> = {
        channel: "sim",
        chatId: "sim:demo",
        messageId: `fuzz-${i}`,
        sender: who ? { key: `sim:${who.id}`, name: who.name } : { key: `sim:guest:${i % 7}`, name: "游客" },
        text: randomText(),
        mentionsBot: r() < 0.8,
        mentions: [],
        images:
          r() < 0.15
            ? [
                {
                  data:
                    r() < 0.5
                      ? PNG_1PX
                      : new Uint8Array(Array.from({ length: 64 }, () => Math.floor(r() * 256))),
                },
              ]
            : [],
        sentAt: t.clock.now(),
      };
      // Malformed: drop or corrupt a field now and then.
      const damage = r();
      if (damage < 0.03) delete msg.sender;
      else if (damage < 0.06) delete msg.messageId;
      else if (damage < 0.09) msg.text = undefined;
      else if (damage < 0.12) msg.images = "not-a-list";
      else if (damage < 0.14) msg.mentions = null;
      else if (damage < 0.16) msg.replyTo = pick(["sim-out-1", "nonexistent", 42]);
      else if (damage < 0.17) msg.sentAt = "yesterday";
      const res = await t.app.ingest(msg as unknown as InboundMessage);
      if ("dropped" in res && res.dropped) dropped += 1;
      t.clock.advance(Math.floor(r() * 60_000));
      if (i % 50 === 0) {
        await t.app.inbox.idle();
        await t.app.outbox.drain();
      }
    }
    await t.app.inbox.idle();
    await t.app.outbox.drain();

    const inbox = await t.app.prisma.inboxMessage.findMany({ select: { status: true, note: true } });
    expect(inbox.length + dropped).toBe(1000);
    // Every stored message was handled: a reply, or dropped with a reason. None failed or hung.
    for (const row of inbox) {
      expect(["processed", "dropped"]).toContain(row.status);
      expect(row.note.length).toBeGreaterThan(0);
    }
    // Consistency: every case has a number, a valid state and its first event; dispatched cases are routed.
    const cases = await t.app.prisma.case.findMany({
      include: { events: { orderBy: { id: "asc" }, take: 1 } },
    });
    for (const c of cases) {
      expect(c.number).toMatch(/^ZM\d{8}-\d{3,}$/);
      expect([
        "pending",
        "dispatched",
        "in_progress",
        "awaiting_check",
        "closed",
        "returned",
        "backlogged",
        "voided",
      ]).toContain(c.state);
      expect(c.events[0]?.type).toBe("reported");
      if (c.state !== "pending") expect(c.segmentId && c.categoryCode && c.deadline).toBeTruthy();
    }
    const unsent = await t.app.prisma.outboxMessage.count({ where: { status: { not: "sent" } } });
    expect(unsent).toBe(0);
    await t.close();
  });
});
