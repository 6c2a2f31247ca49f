/** A bot's configured groups become Chat rows with their role, without erasing roles given elsewhere. */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { registerConfiguredChats } from "../../src/schedule/digest-chats.ts";
import { type Database, openDatabase } from "../../src/store/db.ts";
import { migrateDatabase } from "../../src/store/migrate.ts";

let tmp: string;
let db: Database;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "luzhang-chats-"));
  const dbFile = path.join(tmp, "luzhang.db");
  await migrateDatabase({ dbFile, log: () => {} });
  db = openDatabase({ dbFile });
});

afterAll(async () => {
  await db.close();
  await rm(tmp, { recursive: true, force: true });
});

it("keeps the digest role an admin gave a WeChat group when the bot registers its rooms again", async () => {
  const { prisma } = db;
  await registerConfiguredChats(prisma, "wechat", [
    { id: "wechat:东风路街道", name: "东风路街道", role: "report" },
  ]);
  await prisma.chat.update({
    where: { id: "wechat:东风路街道" },
    data: { role: "report,digest", enabled: false },
  });

  // A restart with the room now configured as the leaders' group: the configured role changes, digest stays.
  await registerConfiguredChats(prisma, "wechat", [
    { id: "wechat:东风路街道", name: "东风路街道", role: "leadership" },
  ]);
  const chat = await prisma.chat.findUniqueOrThrow({ where: { id: "wechat:东风路街道" } });
  expect(chat.role.split(",").sort()).toEqual(["digest", "leadership"]);
  expect(chat.enabled).toBe(true);
  expect(chat.name).toBe("东风路街道");
  expect(chat.channel).toBe("wechat");
});
