/**
 * Kill the service with SIGKILL while it ingests 200 reports; restart it and deliver all 200 again
 * (as a platform retries unacknowledged messages): every report has one case, none twice, and every
 * receipt is sent exactly once.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/db.ts";
import { distinctReports } from "../helpers/report-generator.ts";
import { startTestApp } from "../helpers/test-app.ts";

const N = 200;
const KILL_AFTER_INGESTED = 80;

function runChild(
  env: Record<string, string>,
  killAfter?: number,
): Promise<{ killed: boolean; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/crash-child.ts"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let killed = false;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = [...out.matchAll(/ingested (\d+)/g)].at(-1);
      if (killAfter && !killed && m && Number(m[1]) >= killAfter) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("error", reject);
    child.on("exit", () => resolve({ killed, out }));
  });
}

describe("crash recovery", () => {
  const dir = mkdtempSync(join(tmpdir(), "luzhang-crash-"));
  afterAll(() => {});

  it("loses nothing and repeats nothing across a SIGKILL", { timeout: 180_000 }, async () => {
    // Build the report list on the same roster the service will load.
    const probe = await startTestApp();
    const reports = distinctReports(probe.app.roster(), N).map((r, i) => ({
      id: `crash-${i}`,
      text: r.text,
    }));
    await probe.close();
    expect(reports.length).toBe(N);
    const file = join(dir, "reports.json");
    writeFileSync(file, JSON.stringify(reports));
    const env = { CRASH_DATA_DIR: join(dir, "data"), REPORTS_FILE: file };

    const first = await runChild(env, KILL_AFTER_INGESTED);
    expect(first.killed, first.out).toBe(true);

    const db1 = openDatabase({ dbFile: join(dir, "data", "luzhang.db") });
    const before = await db1.prisma.case.count();
    await db1.close();
    expect(before).toBeLessThan(N);

    const second = await runChild(env);
    expect(second.out).toContain("done");

    const db = openDatabase({ dbFile: join(dir, "data", "luzhang.db") });
    try {
      const cases = await db.prisma.case.findMany({ select: { sourceMessageId: true, state: true } });
      expect(cases.length).toBe(N);
      expect(new Set(cases.map((c) => c.sourceMessageId)).size).toBe(N);
      expect(cases.every((c) => c.state === "dispatched")).toBe(true);
      const inbox = await db.prisma.inboxMessage.groupBy({ by: ["status"], _count: true });
      expect(inbox).toEqual([{ status: "processed", _count: N }]);
      const receipts = await db.prisma.outboxMessage.findMany({ where: { kind: "receipt" } });
      expect(receipts.length).toBe(N);
      expect(receipts.every((r) => r.status === "sent")).toBe(true);
      const shown = await db.prisma.simMessage.findMany({ where: { direction: "out" } });
      const shownReceipts = shown.filter(
        (m) => (JSON.parse(m.payload) as { kind: string }).kind === "receipt",
      );
      expect(shownReceipts.length).toBe(N);
      expect(new Set(shownReceipts.map((m) => m.key)).size).toBe(N);
      const pendingOut = await db.prisma.outboxMessage.count({ where: { status: { not: "sent" } } });
      expect(pendingOut).toBe(0);
    } finally {
      await db.close();
    }
  });
});
