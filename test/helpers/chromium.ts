/** Debian's Chromium for browser tests, launched the way this machine allows (no downloads, no network). */
import { existsSync } from "node:fs";

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
