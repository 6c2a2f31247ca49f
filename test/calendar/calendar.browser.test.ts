/**
 * The 工作日历 page in a real Chromium, on 4 December 2026 with no 2027 holidays known: the banner on
 * every page with the steps to fix it; an admin pastes a notice that does not parse (refused, naming
 * its line), then a whole one, checks the calendar it gives and confirms; the banner goes, the year
 * shows its days as entered, and a case whose deadline crossed 元旦 2027 shows the recomputation.
 * Screenshots: test-output/calendar-*.png.
 */
import { mkdir } from "node:fs/promises";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastCaseNumber, seedDemoCases } from "../console/console-fixtures.ts";
import { CONSOLE_PASSWORD, type ConsoleApp, INSPECTOR, startConsoleApp } from "../console/console-harness.ts";
import { CHROMIUM, hasChromium, openChromiumPage, warnIfNoChromium } from "../helpers/chromium.ts";
import { realNotice, SYNTHETIC_2027 } from "./calendar-fixtures.ts";

const OUT = "test-output";

warnIfNoChromium("calendar browser test");

describe.skipIf(!hasChromium)(`工作日历 page in Chromium (needs ${CHROMIUM})`, () => {
  let t: ConsoleApp;
  let page: Page;
  let problems: string[] = [];
  let closeBrowser: (() => Promise<void>) | undefined;
  let longCase = "";

  const shot = (name: string) => page.screenshot({ path: `${OUT}/calendar-${name}.png`, fullPage: true });
  const loaded = (year: number) => page.locator(`body[data-loaded="${year}"]`).waitFor();
  const cell = (date: string) => page.locator(`#months td[data-date="${date}"]`);

  beforeAll(async () => {
    t = await startConsoleApp({ now: "2026-12-04T10:00:00+08:00" });
    seedDemoCases(t, 200, 30);
    // 私搭乱建: 20 working days, so this deadline reaches past 元旦 2027.
    await t.say("张三", "商都大道民康路口有人私搭乱建");
    longCase = await lastCaseNumber(t);
    const admin = t.person(INSPECTOR);
    await t.app.prisma.person.update({
      where: { id: admin.id },
      data: { roles: JSON.stringify([...admin.roles, "admin"]) },
    });
    await t.app.reloadRoster();

    ({ page, problems, close: closeBrowser } = await openChromiumPage("luzhang-calendar-chromium-"));
    await mkdir(OUT, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await closeBrowser?.();
    await t?.close();
  });

  it("warns on every page that 2027 is unknown, with the steps to fix it", async () => {
    const c = await t.app.prisma.case.findUniqueOrThrow({ where: { number: longCase } });
    expect(c.categoryCode).toBe("06001");
    await page.goto(`${t.baseUrl}/console/login`);
    await page.locator("#name").fill(INSPECTOR);
    await page.locator("#password").fill(CONSOLE_PASSWORD);
    await page.locator("#login-btn").click();
    await page.waitForURL(`${t.baseUrl}/console/`);
    const banner = page.locator("#calendar-warning");
    await banner.waitFor();
    expect(await banner.locator("strong").textContent()).toContain("还没有 2027 年的法定节假日安排");
    expect(await banner.locator("li").count()).toBe(4);
    await page.goto(`${t.baseUrl}/console/rankings`);
    await banner.waitFor();
    await page.locator('.nav a[data-page="calendar"]').click();
    await page.waitForURL(/\/console\/calendar/);
    await loaded(2026);
    await banner.waitFor();
    // 2026 comes from the package: 春节 holidays and the make-up Saturday 2月14日.
    expect(await page.locator("#year-source").textContent()).toContain("chinese-days");
    expect(await cell("2026-02-17").getAttribute("data-source")).toBe("package");
    expect(await cell("2026-02-14").getAttribute("data-kind")).toBe("workday");
    await shot("2026");
  });

  it("refuses a notice that does not parse whole, naming the line", async () => {
    const bad = realNotice(2026).replace("5月9日(周六)上班", "5月9日(周六)正常上班");
    await page.locator("#notice").fill(bad);
    await page.locator("#parse").click();
    const result = page.locator("#parse-result[data-kind=error]");
    await result.waitFor();
    expect(await result.textContent()).toContain("第 13 行无法解析");
    expect(await result.textContent()).toContain("四、劳动节");
    expect(await page.locator("#preview").isHidden()).toBe(true);
    await shot("refused");
  });

  it("parses a whole notice into a calendar to check, and enters it on confirmation", async () => {
    await page.locator("#notice").fill(SYNTHETIC_2027);
    await page.locator("#parse").click();
    await page.locator("#preview:not([hidden])").waitFor();
    expect(await page.locator("#preview-title").textContent()).toContain("2027 年");
    const preview = (date: string) => page.locator(`#preview-months td[data-date="${date}"]`);
    expect(await preview("2027-02-08").getAttribute("data-kind")).toBe("holiday");
    expect(await preview("2027-02-20").getAttribute("data-kind")).toBe("workday");
    expect(await preview("2027-02-08").getAttribute("data-source")).toBe("entered");
    expect(await t.app.prisma.calendarEntry.count()).toBe(0);
    await page.locator("#preview").screenshot({ path: `${OUT}/calendar-preview.png` });

    await page.locator("#confirm").click();
    await loaded(2027);
    const result = page.locator("#parse-result[data-kind=ok]");
    await result.waitFor();
    expect(await result.textContent()).toContain("已录入 2027 年节假日安排");
    expect(await result.textContent()).toContain(longCase);
    expect(await page.locator("#calendar-warning").count()).toBe(0);
    expect(await page.locator("#year-source").textContent()).toContain("后台录入");
    expect(await cell("2027-02-08").getAttribute("data-source")).toBe("entered");
    expect(await page.locator("#entries tbody tr").first().textContent()).toContain(INSPECTOR);
    await shot("2027");
  });

  it("shows the recomputation on the case, and no banner any more", async () => {
    await page.goto(`${t.baseUrl}/console/case?n=${longCase}`);
    await page.locator("body[data-loaded]").waitFor();
    const timeline = page.locator(".timeline");
    await expect.poll(() => timeline.textContent()).toContain("工作日历更新，时限重算");
    expect(await timeline.textContent()).toContain("录入 2027 年节假日安排后按新工作日历重算");
    expect(await page.locator("#calendar-warning").count()).toBe(0);
    await shot("case");
    // The refused notice's 422 is the browser's only complaint: no script error, no CSP violation.
    expect(problems.filter((p) => !p.includes("status of 422"))).toEqual([]);
  });
});
