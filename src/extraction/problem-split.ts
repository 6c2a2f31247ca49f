/**
 * Several problems in one message: "1.垃圾桶满溢 2.电动车乱停", "①…②…", "一是…二是…", or clauses
 * joined by "还有/另外/；". Splitting is textual; whether the parts are really different problems is
 * decided by their categories (rules-extractor.ts).
 */

const CIRCLED = "①②③④⑤⑥⑦⑧⑨";
const CN = "一二三四五六七八九";

/** A list marker: "1." "2、" "3)" "①" "一是" "二、" "第一"; a digit followed by a digit is a decimal. */
const MARKER = /(?:第)?([1-9]|[一二三四五六七八九])(?:[.、．)）:：](?!\d)|是)|([①②③④⑤⑥⑦⑧⑨])/g;

function markerValue(m: RegExpExecArray): number {
  const circled = m[2];
  if (circled) return CIRCLED.indexOf(circled) + 1;
  const v = m[1] ?? "";
  return /\d/.test(v) ? Number(v) : CN.indexOf(v) + 1;
}

/** Items of an enumerated list (at least two, numbered from 1 in order), or null. */
export function enumeratedItems(text: string): { head: string; items: string[] } | null {
  const marks: { at: number; end: number; value: number }[] = [];
  for (const m of text.matchAll(MARKER)) {
    marks.push({
      at: m.index ?? 0,
      end: (m.index ?? 0) + m[0].length,
      value: markerValue(m as RegExpExecArray),
    });
  }
  const chain: typeof marks = [];
  for (const mk of marks) {
    if (mk.value === chain.length + 1) chain.push(mk);
  }
  if (chain.length < 2) return null;
  const items = chain.map((mk, i) => text.slice(mk.end, chain[i + 1]?.at ?? text.length));
  return { head: text.slice(0, chain[0]?.at ?? 0), items };
}

/** Words that join two separate problems in one sentence. */
const JOINERS = /[；;]|还有|另外|以及|此外|再就是|顺便|同时还|并且还/;

/** Clauses joined by 还有/另外/；…, or null when there is no such joiner. */
export function joinedClauses(text: string): string[] | null {
  const parts = text.split(JOINERS).filter((p) => p.replace(/[，。,.!！\s□]/g, "") !== "");
  return parts.length >= 2 ? parts : null;
}
