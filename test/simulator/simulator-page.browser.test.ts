/**
 * The simulator page in a real Chromium against a real fastify: pick a person, report, see the bot's
 * reply, press its button, send a photo, and check that message text is never parsed as HTML.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InboundMessage, OutboundMessage } from "../../src/core/types.ts";
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, warnIfNoChromium } from "../helpers/chromium.ts";
import { buildSimApp, type SimHarness } from "./sim-harness.ts";

const SCREENSHOT = "test-output/simulator.png";
const CASE_NUMBER = "ZM20261126-007";
// A 1×1 PNG (green pixel).
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNg+M8AAAMBAQDJ/pLvAAAAAElFTkSuQmCC",
  "base64",
);

warnIfNoChromium("simulator browser test");

/** A stand-in for the conversation layer: answers every inbound message through the channel. */
function botReplyTo(message: InboundMessage): OutboundMessage {
  const base = { chatId: message.chatId, replyTo: message.messageId, caseNumber: CASE_NUMBER };
  if (message.text === "收到") {
    return {
      ...base,
      text: `@${message.sender.name} 已签收 ${CASE_NUMBER}，请在时限内处置，整改后回复“已整改”并附照片。`,
      mentions: [{ personId: "p_0006", name: message.sender.name }],
      kind: "reply",
    };
  }
  if (message.images.length > 0) {
    return {
      ...base,
      text: `${CASE_NUMBER} 已整改，待核查。@廖红梅 请核查。`,
      mentions: [{ personId: "p_0046", name: "廖红梅" }],
      imageHashes: ["after-photo"],
      actions: [
        { label: "核查通过", command: "核查通过", for: "inspector" },
        { label: "返工", command: "返工 ", for: "inspector" },
      ],
      kind: "reply",
    };
  }
  return {
    ...base,
    text: `已受理：${message.text}\n案件号 ${CASE_NUMBER}，市容环境类，时限 2 个工作小时。\n@王建国 请处置。`,
    mentions: [{ personId: "p_0006", name: "王建国" }],
    actions: [
      { label: "收到", command: "收到", for: "handler" },
      { label: "回退", command: "回退 ", for: "handler" },
    ],
    kind: "assignment",
  };
}

describe.skipIf(!hasChromium)(
  `simulator page in Chromium (needs ${CHROMIUM}: apt-get install -y chromium)`,
  () => {
    let harness: SimHarness;
    let context: BrowserContext;
    let page: Page;
    let userDataDir: string;
    let baseUrl: string;
    const dialogs: string[] = [];

    beforeAll(async () => {
      harness = buildSimApp({
        onIngest: async (message, h) => {
          await h.channel.send(botReplyTo(message), { idempotencyKey: `reply:${message.messageId}` });
        },
      });
      // The lead serves /media/:hash elsewhere; here any hash is the one test photo.
      harness.app.get("/media/:hash", async (_request, reply) => reply.type("image/png").send(PNG));
      await harness.app.listen({ host: "127.0.0.1", port: 0 });
      baseUrl = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;

      userDataDir = await mkdtemp(join(tmpdir(), "luzhang-sim-chromium-"));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1440, height: 900 },
        locale: "zh-CN",
        timezoneId: "Asia/Shanghai",
      });
      page = context.pages()[0] ?? (await context.newPage());
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(baseUrl);
      await page.locator("body[data-ready=true]").waitFor();
      await page.locator("#conn[data-state=online]").waitFor();
    });

    afterAll(async () => {
      await context?.close();
      await harness?.app.close();
      if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    });

    it("reports as a chosen person and shows the bot's reply with the @mention and buttons", async () => {
      await page.locator("#identity-select").selectOption("p_0006");
      await expect.poll(() => page.locator("#speaking-as").textContent()).toContain("王建国");

      await page.locator("#text-input").fill("商都大道与民康路交叉口垃圾桶满了，垃圾散落一地");
      await page.locator("#text-input").press("Enter");

      const mine = page.locator(".msg.mine:not(.pending)", { hasText: "垃圾散落一地" }).first();
      await mine.waitFor();
      await expect.poll(() => mine.locator(".msg-name").textContent()).toBe("王建国");
      await expect.poll(() => mine.locator(".mention").first().textContent()).toBe("@路长通");

      const bot = page.locator(".msg.bot", { hasText: "已受理" });
      await bot.waitFor();
      await expect.poll(() => bot.locator(".mention.me").textContent()).toBe("@王建国");
      await expect.poll(() => bot.locator(".action-btn").allTextContents()).toEqual(["收到", "回退"]);
      await expect.poll(() => bot.locator(".quote").textContent()).toContain("王建国：商都大道");
      expect(harness.ingested).toHaveLength(1);
      expect(harness.ingested[0]).toMatchObject({
        sender: { key: "sim:p_0006", name: "王建国" },
        mentionsBot: true,
      });
      expect(await page.locator("#text-input").inputValue()).toBe("");
    });

    it("sends an action's command as a reply to the bot message", async () => {
      const [report] = await harness.transcript.list({ chatId: "sim:demo", afterId: 1, limit: 1 });
      expect(report?.direction).toBe("out");
      const bot = page.locator(".msg.bot", { hasText: "已受理" });
      await bot.locator(".action-btn", { hasText: "收到" }).click();

      await expect.poll(() => harness.ingested.map((m) => m.text)).toContain("收到");
      const command = harness.ingested.find((m) => m.text === "收到");
      expect(command).toMatchObject({
        sender: { key: "sim:p_0006", name: "王建国" },
        mentionsBot: true,
        replyTo: `sim-out-${report?.id}`,
      });
      const mine = page.locator(".msg.mine:not(.pending)", { hasText: "收到" });
      await mine.waitFor();
      await expect.poll(() => mine.locator(".quote").textContent()).toContain("路长通：已受理");
      await page.locator(".msg.bot", { hasText: "已签收" }).waitFor();
    });

    it("shows markup typed into a message as text, in the user's bubble and the bot's echo", async () => {
      const payload = "<img src=x onerror=alert(1)>";
      await page.locator("#text-input").fill(payload);
      await page.locator("#send-btn").click();

      await page.locator(".msg.mine:not(.pending) .bubble", { hasText: payload }).waitFor();
      await page.locator(".msg.bot .bubble", { hasText: payload }).waitFor();
      expect(await page.locator("#messages img").count()).toBe(0);
      expect(await page.evaluate(() => document.querySelectorAll('img[src="x"]').length)).toBe(0);
      expect(dialogs).toEqual([]);
    });

    it("attaches a photo with a preview, sends its bytes, and shows the bot's photo", async () => {
      await page
        .locator("#file-input")
        .setInputFiles({ name: "after.png", mimeType: "image/png", buffer: PNG });
      await page.locator("#attachments .attachment img").waitFor();
      await page.locator("#text-input").fill("已整改");
      await page.locator("#text-input").press("Enter");

      await page.locator(".msg.bot", { hasText: "待核查" }).waitFor();
      const fixed = harness.ingested.find((m) => m.text === "已整改");
      expect(fixed?.images).toHaveLength(1);
      expect(Buffer.from(fixed?.images[0]?.data ?? []).equals(PNG)).toBe(true);
      expect(fixed?.images[0]?.mime).toBe("image/png");
      expect(await page.locator("#attachments").isHidden()).toBe(true);
      await expect
        .poll(() => page.locator(".msg.mine", { hasText: "已整改" }).locator(".images img").count())
        .toBe(1);
      const botPhoto = page.locator(".msg.bot", { hasText: "待核查" }).locator(".images img");
      await expect.poll(() => botPhoto.getAttribute("src")).toBe("/media/after-photo");
      await expect.poll(() => botPhoto.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);

      await mkdir("test-output", { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
    });

    it("reloads the whole conversation from the transcript, the user's photo as [图片]", async () => {
      await page.reload();
      await page.locator("body[data-ready=true]").waitFor();
      await page.locator(".msg.bot", { hasText: "待核查" }).waitFor();
      expect(await page.locator("#identity-select").inputValue()).toBe("p_0006");
      await expect.poll(() => page.locator(".msg").count()).toBe(8);
      await expect
        .poll(() =>
          page.locator(".msg.mine", { hasText: "已整改" }).locator(".image-placeholder").textContent(),
        )
        .toBe("[图片]");
    });

    it("catches up after the event stream drops", async () => {
      await page.evaluate(() => window.stop()); // drops the EventSource like a network blip
      await harness.channel.send(
        { chatId: "sim:demo", text: "【催办】请尽快处置", mentions: [], kind: "reminder" },
        { idempotencyKey: "reminder:1" },
      );
      await page.locator(".msg.bot", { hasText: "【催办】" }).waitFor({ timeout: 15_000 });
    });
  },
);
