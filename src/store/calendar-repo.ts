/**
 * The entered years of the work calendar (CalendarEntry, append-only): the newest entry of each year
 * is in force; the older ones stay as the record of who entered what and when.
 */
import { z } from "zod";
import type { EnteredYear } from "../core/calendar-days.ts";
import type { PrismaClient } from "./generated/client.ts";
import { type Sql, toDbDate } from "./sql.ts";

const daysSchema = z.array(
  z.object({ date: z.string(), kind: z.enum(["holiday", "workday"]), name: z.string().default("") }),
);

/** One entry as the console's history shows it. */
export interface CalendarEntryView {
  id: number;
  year: number;
  dayCount: number;
  enteredByName: string;
  enteredAt: Date;
  note: string;
}

/** The entry in force for each year (the newest), oldest year first. */
export async function loadEnteredYears(prisma: PrismaClient): Promise<EnteredYear[]> {
  const rows = await prisma.calendarEntry.findMany({ orderBy: [{ year: "asc" }, { id: "desc" }] });
  const byYear = new Map<number, EnteredYear>();
  for (const r of rows) {
    if (byYear.has(r.year)) continue;
    // A row that does not read is a damaged database, not a year to guess: fail loudly at start.
    byYear.set(r.year, { year: r.year, days: daysSchema.parse(JSON.parse(r.days)) });
  }
  return [...byYear.values()];
}

/** The newest entries, newest first. */
export async function recentEntries(prisma: PrismaClient, limit = 20): Promise<CalendarEntryView[]> {
  const rows = await prisma.calendarEntry.findMany({ orderBy: { id: "desc" }, take: limit });
  return rows.map((r) => ({
    id: r.id,
    year: r.year,
    dayCount: (JSON.parse(r.days) as unknown[]).length,
    enteredByName: r.enteredByName,
    enteredAt: r.enteredAt,
    note: r.note,
  }));
}

/** Adds an entry inside the caller's transaction; returns its id. */
export function insertEntry(
  sql: Sql,
  e: { year: EnteredYear; noticeText: string; enteredById: string; enteredByName: string; at: Date },
): number {
  return sql.run(
    'INSERT INTO "CalendarEntry" (year, days, noticeText, enteredById, enteredByName, enteredAt) VALUES (?,?,?,?,?,?)',
    e.year.year,
    JSON.stringify(e.year.days.map(({ date, kind, name }) => ({ date, kind, name }))),
    e.noticeText,
    e.enteredById,
    e.enteredByName,
    toDbDate(e.at),
  ).lastInsertRowid;
}

/** Records what an entry changed. */
export function setEntryNote(sql: Sql, id: number, note: string): void {
  sql.run('UPDATE "CalendarEntry" SET note = ? WHERE id = ?', note.slice(0, 500), id);
}
