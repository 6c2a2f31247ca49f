/** Notices for the calendar tests: the real ones under test/fixtures/holiday-notices, and one made up. */
import { readFileSync } from "node:fs";

/** A real State Council notice (test/fixtures/holiday-notices/README.md says where each comes from). */
export function realNotice(year: 2017 | 2025 | 2026): string {
  return readFileSync(`test/fixtures/holiday-notices/${year}.txt`, "utf8");
}

/**
 * NOT an official text: written for these tests, because the 2027 notice had not been published when
 * they were written (2026-12). Its shape follows the real notices; its dates are invented, though the
 * weekdays in brackets are right (the parser checks them).
 */
export const SYNTHETIC_2027 = [
  "国务院办公厅关于2027年部分节假日安排的通知（测试用，非官方文本）",
  "一、元旦：1月1日（周五）至3日（周日）放假，共3天。",
  "二、春节：2月5日（农历除夕、周五）至13日（农历正月初八、周六）放假调休，共9天。2月20日（周六）上班。",
  "三、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。5月8日（周六）上班。",
].join("\n");
