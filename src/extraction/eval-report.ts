/** The failures, the metrics table and the token lines `npm run eval` prints, and its `--json` line. */
import type { CaseOutcome, EvalReport } from "./eval-harness.ts";
import { formatUsage, type TokenPrices } from "./eval-usage.ts";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function describeFailure(o: CaseOutcome): string {
  const what: string[] = [];
  if (!o.ok.report)
    what.push(`上报判断 期望${o.expect.is_report ? "是" : "否"} 得到${o.got.isReport ? "是" : "否"}`);
  if (o.ok.category === false) {
    const want = o.expect.problems
      ? o.expect.problems.map((p) => p.join("/")).join(" + ")
      : (o.expect.category ?? []).join("/");
    what.push(`类别 期望 ${want} 得到 ${o.got.codes.map((c) => c ?? "无").join(" + ") || "无"}`);
  }
  if (o.ok.segment === false) {
    const want = o.expect.segment === null ? "追问位置" : (o.expect.segment ?? []).join("/");
    what.push(`路段 期望 ${want} 得到 ${o.got.segment ?? "追问位置"}`);
  }
  return `✗ ${o.id}  ${what.join("；")}\n    ${o.text.replace(/\s+/g, " ").slice(0, 80)}\n    ${o.reason.slice(0, 160)}`;
}

/** The failures and the table, as printed by `npm run eval` (with token prices: the cost too). */
export function formatReport(report: EvalReport, prices: TokenPrices | null = null): string {
  const m = report.metrics;
  const rows: [string, string, string][] = [
    ["report / not-report 是否上报", pct(m.reportAccuracy), String(m.cases)],
    ["category 类别", pct(m.category.accuracy), String(m.category.n)],
    ["segment 路段", pct(m.segment.accuracy), String(m.segment.n)],
    ["both correct 类别+路段", pct(m.bothCorrect.accuracy), String(m.bothCorrect.n)],
    ["ask location precision 追问位置精确率", pct(m.askLocation.precision), String(m.askLocation.asked)],
    ["ask location recall 追问位置召回率", pct(m.askLocation.recall), String(m.askLocation.expected)],
    ["choices offered exactly 选项完全一致", pct(m.choices.exact), String(m.choices.n)],
    ["choices include expected 选项包含期望", pct(m.choices.covered), String(m.choices.n)],
    ["latency median 延迟中位数", `${m.latencyMs.median.toFixed(2)} ms`, ""],
    ["latency p95 延迟 p95", `${m.latencyMs.p95.toFixed(2)} ms`, ""],
    ["tokens per report 每条上报 token", m.tokensPerReport === null ? "-" : m.tokensPerReport.toFixed(0), ""],
  ];
  if (report.extractor === "llm") rows.push(["LLM fallbacks to rules 回退规则", String(m.llmFallbacks), ""]);
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u2e80-\uffff]/.test(ch) ? 2 : 1), 0);
  const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - width(s)));
  const w0 = Math.max(...rows.map((r) => width(r[0])));
  const lines = [
    ...report.failures.map(describeFailure),
    ...formatByTag(report.byTag),
    "",
    `extractor ${report.extractor} · roster ${report.roster}${report.county ? `（${report.county}）` : ""} · cases ${report.casesFile}`,
    `${pad("metric 指标", w0)}  ${pad("value", 9)}  n`,
    ...rows.map(([a, b, c]) => `${pad(a, w0)}  ${pad(b, 9)}  ${c}`),
    ...(m.usage ? ["", formatUsage(m.usage, prices)] : []),
  ];
  return lines.join("\n");
}

/** One line per tag: cases, report/not, category, segment, both, asking for a location. */
function formatByTag(byTag: EvalReport["byTag"]): string[] {
  if (byTag.length === 0) return [];
  const w = Math.max(...byTag.map((t) => t.tag.length), 3);
  const cell = (x: { accuracy: number; n: number }) => (x.n === 0 ? "-" : `${pct(x.accuracy)}/${x.n}`);
  return [
    "",
    `${"tag".padEnd(w)}  cases  report   category     segment      both         ask P/R        choices`,
    ...byTag.map(({ tag, metrics: m }) => {
      const ask =
        m.askLocation.expected + m.askLocation.asked === 0
          ? "-"
          : `${pct(m.askLocation.precision)}/${pct(m.askLocation.recall)}`;
      const choices = m.choices.n === 0 ? "-" : `${pct(m.choices.exact)}/${m.choices.n}`;
      return `${tag.padEnd(w)}  ${String(m.cases).padStart(5)}  ${pct(m.reportAccuracy).padEnd(7)}  ${cell(m.category).padEnd(11)}  ${cell(m.segment).padEnd(11)}  ${cell(m.bothCorrect).padEnd(11)}  ${ask.padEnd(13)}  ${choices}`;
    }),
  ];
}

/** The one-line JSON printed last with `--json`. */
export function reportJson(report: EvalReport): string {
  return JSON.stringify({
    extractor: report.extractor,
    roster: report.roster,
    county: report.county,
    cases: report.casesFile,
    metrics: report.metrics,
    byTag: report.byTag,
    failures: report.failures.map((f) => ({
      id: f.id,
      text: f.text,
      expect: f.expect,
      got: f.got,
      reason: f.reason,
    })),
  });
}
