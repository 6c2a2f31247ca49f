/**
 * The whole product through the simulator page in a real Chromium: a report typed in the browser,
 * the chief's 签收 and 已整改 with a photo, the inspector's 核查通过 — against the real service.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, warnIfNoChromium } from "../helpers/chromium.ts";
import { PNG_1PX, startTestApp, type TestApp } from "../helpers/test-app.ts";

warnIfNoChromium("browser e2e");

describe.skipIf(!hasChromium)(
  `the product in a browser (needs ${CHROMIUM}: apt-get install -y chromium)`,
  () => {
    let t: TestApp;
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      t = await startTestApp();
      t.app.outbox.start(50);
      await t.app.server.listen({ host: "127.0.0.1", port: 0 });
      const url = `http://127.0.0.1:${(t.app.server.server.address() as AddressInfo).port}/`;
      context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "luzhang-e2e-chromium-")), {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1440, height: 1000 },
        locale: "zh-CN",
        timezoneId: "Asia/Shanghai",
      });
      page = context.pages()[0] ?? (await context.newPage());
      await page.goto(url);
      await page.locator("body[data-ready=true]").waitFor();
      await page.locator("#conn[data-state=online]").waitFor();
    });

    afterAll(async () => {
      await context?.close();
      await t?.close();
    });

    const as = async (name: string) => {
      await page.locator("#identity-select").selectOption(t.person(name).id);
      await expect.poll(() => page.locator("#speaking-as").textContent()).toContain(name);
    };

    it("report → 签收 → 已整改 with photo → 核查通过, all by clicking in the page", {
      timeout: 60_000,
    }, async () => {
      await as("卢磊");
      await page.locator("#text-input").fill("商都大道民康路口东北角垃圾桶满了");
      await page.locator("#text-input").press("Enter");
      const assignment = page.locator(".msg.bot", { hasText: "请处置新案件 ZM20261126-001" });
      await assignment.waitFor();
      await page.locator(".msg.bot", { hasText: "已受理，案件编号 ZM20261126-001" }).waitFor();
      await expect.poll(() => assignment.locator(".mention").first().textContent()).toBe("@黄卫东");

      mkdirSync("test-output", { recursive: true });
      await page.screenshot({ path: "test-output/simulator-report.png" });

      await as("黄卫东");
      await assignment.locator(".action-btn", { hasText: "签收" }).click();
      await page.locator(".msg.bot", { hasText: "已签收案件 ZM20261126-001" }).waitFor();

      const photo = join(mkdtempSync(join(tmpdir(), "luzhang-photo-")), "after.png");
      writeFileSync(photo, PNG_1PX);
      await page.locator("#file-input").setInputFiles(photo);
      await page.locator("#text-input").fill("已整改");
      await page.locator("#text-input").press("Enter");
      const notice = page.locator(".msg.bot", { hasText: "已整改，请核查" });
      await notice.waitFor();

      await as("廖红梅");
      await notice.locator(".action-btn", { hasText: "核查通过" }).click();
      await page.locator(".msg.bot", { hasText: "核查通过，已结案销号" }).first().waitFor();

      const c = await t.app.prisma.case.findUniqueOrThrow({ where: { number: "ZM20261126-001" } });
      expect(c.state).toBe("closed");
      await page.screenshot({ path: "test-output/simulator-e2e.png" });
    });

    it("shows markup typed by a user as text", async () => {
      await as("卢磊");
      await page.locator("#text-input").fill("<img src=x onerror=alert(1)>");
      await page.locator("#text-input").press("Enter");
      await page.locator(".msg.mine", { hasText: "<img src=x onerror=alert(1)>" }).waitFor();
      expect(await page.locator("#messages img[src=x]").count()).toBe(0);
    });
  },
);
