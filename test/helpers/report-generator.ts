/** Distinct reports over a roster: one per (segment, category family), phrased the way people talk. */
import type { RosterIndex } from "../../src/core/roster-index.ts";

/** One problem phrase per category family (class + department), with the code it should become. */
export const FAMILY_PHRASES: readonly { code: string; text: string }[] = [
  { code: "06042", text: "垃圾桶满了，垃圾溢出来了" },
  { code: "06013", text: "路面破损有个大坑" },
  { code: "09006", text: "有人占道摆摊" },
  { code: "09009", text: "机动车乱停，堵住了路" },
  { code: "09010", text: "电动车乱停一大片" },
  { code: "07001", text: "墙上贴满了小广告" },
  { code: "08004", text: "工地扬尘很大" },
  { code: "01023", text: "井盖坏了" },
  { code: "02014", text: "红绿灯不亮了" },
  { code: "03001", text: "公厕堵了没人管" },
];

export interface GeneratedReport {
  text: string;
  segmentId: string;
  code: string;
}

/** Up to `n` reports, each on a different (segment, family) pair: none is a duplicate of another. */
export function distinctReports(roster: RosterIndex, n: number): GeneratedReport[] {
  const out: GeneratedReport[] = [];
  for (const phrase of FAMILY_PHRASES) {
    for (const seg of roster.segments.values()) {
      if (out.length >= n) return out;
      out.push({
        text: `${seg.roadName}上，${seg.from}和${seg.to}之间${phrase.text}`,
        segmentId: seg.id,
        code: phrase.code,
      });
    }
  }
  return out;
}
