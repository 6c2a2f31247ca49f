/** Debian's Chromium for browser tests, launched the way this machine allows (no downloads, no network). */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** Without the background-networking flags Chromium keeps dialing out and the closed network refuses it. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

export const hasChromium = existsSync(CHROMIUM);

/** Says why a browser suite is skipped and how to make it run. */
export function warnIfNoChromium(suite: string): void {
  if (!hasChromium) {
    console.warn(`${suite} skipped: ${CHROMIUM} not found. Install it with: apt-get install -y chromium`);
  }
}

/** A Chromium page as the console's users see it (zh-CN, Asia/Shanghai), with its script errors collected. */
export async function openChromiumPage(prefix: string): Promise<{
  page: Page;
  /** Console errors and uncaught exceptions seen on any page. */
  problems: string[];
  close(): Promise<void>;
}> {
  const userDataDir = await mkdtemp(join(tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(msg.text());
  });
  page.on("pageerror", (err) => problems.push(String(err)));
  return {
    page,
    problems,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
