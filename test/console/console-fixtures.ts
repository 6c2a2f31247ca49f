/** Data for the console tests: photos, a populated demo county, hostile text from chat users. */
import sharp from "sharp";
import { seedCases } from "../../bench/console-seed.ts";
import { loadTaxonomy } from "../../src/app/taxonomy-load.ts";
import { createWorkCalendar } from "../../src/core/work-calendar.ts";
import type { TestApp } from "../helpers/test-app.ts";

/** Markup a chat user might type; every page must show it as text. */
export const HOSTILE = `<script>alert("xss")</script><img src=x onerror=alert(1)>`;
/** What survives of HOSTILE in a case summary (the extractor shortens summaries). */
export const HOSTILE_MARK = "<script>alert(";
/** A guest reporter whose display name is markup. */
export const HOSTILE_NAME = "<b>访客</b><img src=x onerror=alert(2)>";

/** A 640×420 PNG "photo": a street with a bin, overflowing (before) or clean (after). */
export async function streetPhoto(kind: "before" | "after"): Promise<Buffer> {
  const mess =
    kind === "before"
      ? `<ellipse cx="330" cy="330" rx="150" ry="30" fill="#6b4f2a"/><circle cx="250" cy="318" r="18" fill="#8a6d3b"/><circle cx="410" cy="322" r="14" fill="#a0522d"/><rect x="270" y="120" width="60" height="40" fill="#5a3e1b" transform="rotate(-12 300 140)"/>`
      : "";
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="420">
    <rect width="640" height="420" fill="${kind === "before" ? "#c9d3dc" : "#d6e6f2"}"/>
    <rect y="280" width="640" height="140" fill="#8d949b"/>
    <rect y="270" width="640" height="12" fill="#b9bec4"/>
    <rect x="280" y="150" width="100" height="150" rx="8" fill="#2e8b57"/>
    <rect x="272" y="140" width="116" height="18" rx="4" fill="#246b45"/>
    ${mess}
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Seeds `count` cases over the last `days` days into the demo county (direct inserts). */
export function seedDemoCases(t: TestApp, count: number, days: number) {
  return seedCases({
    sql: t.app.sql,
    roster: t.app.roster(),
    taxonomy: loadTaxonomy(),
    calendar: createWorkCalendar(),
    count,
    now: t.clock.now(),
    days,
    seed: 11,
  });
}

/** The newest case's number. */
export async function lastCaseNumber(t: TestApp): Promise<string> {
  return (await t.app.prisma.case.findFirstOrThrow({ orderBy: { id: "desc" } })).number;
}
