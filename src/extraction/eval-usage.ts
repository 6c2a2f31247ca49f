/**
 * Tokens and cost of an evaluation run: per message sent to the LLM and per report, the prompt
 * split into cached and uncached tokens (providers bill them differently), failed attempts and
 * repairs included, and a cost estimate from per-million-token prices given on the command line.
 */

export interface CaseUsage {
  prompt: number;
  cached: number;
  completion: number;
}

export interface UsageSummary {
  /** Messages that spent tokens (the LLM was asked). */
  messages: number;
  /** Of those, the ones treated as reports. */
  reports: number;
  /** Averages per message asked. */
  perMessage: { uncached: number; cached: number; completion: number; total: number };
  /** Averages per report. */
  perReport: { uncached: number; cached: number; completion: number; total: number };
}

/** Prices per million tokens, in one currency. */
export interface TokenPrices {
  uncached: number;
  cached: number;
  output: number;
  currency: string;
}

function average(rows: readonly CaseUsage[]) {
  const n = rows.length || 1;
  const sum = (f: (u: CaseUsage) => number) => rows.reduce((s, u) => s + f(u), 0) / n;
  const uncached = sum((u) => u.prompt - u.cached);
  const cached = sum((u) => u.cached);
  const completion = sum((u) => u.completion);
  return { uncached, cached, completion, total: uncached + cached + completion };
}

/** Sums the usage of every case that spent tokens; null when none did (rules only). */
export function summarizeUsage(
  cases: readonly { usage: CaseUsage | null; isReport: boolean }[],
): UsageSummary | null {
  const asked = cases.filter((c): c is { usage: CaseUsage; isReport: boolean } => c.usage !== null);
  if (asked.length === 0) return null;
  const reports = asked.filter((c) => c.isReport);
  return {
    messages: asked.length,
    reports: reports.length,
    perMessage: average(asked.map((c) => c.usage)),
    perReport: average(reports.map((c) => c.usage)),
  };
}

/** Cost of average usage at these prices. */
export function costOf(u: UsageSummary["perMessage"], p: TokenPrices): number {
  return (u.uncached * p.uncached + u.cached * p.cached + u.completion * p.output) / 1_000_000;
}

/** The usage lines `npm run eval` prints under its table. */
export function formatUsage(s: UsageSummary, prices: TokenPrices | null): string {
  const n = (x: number) => x.toFixed(0);
  const line = (label: string, u: UsageSummary["perMessage"]) =>
    `${label}: prompt ${n(u.cached + u.uncached)} (cached ${n(u.cached)} + uncached ${n(u.uncached)}), completion ${n(u.completion)}, total ${n(u.total)}`;
  const lines = [
    `LLM tokens (failed attempts and repairs included) over ${s.messages} messages asked, ${s.reports} of them reports:`,
    line("  per message 每条消息", s.perMessage),
    line("  per report 每条上报", s.perReport),
  ];
  if (prices) {
    const money = (x: number) => `${x.toFixed(6)} ${prices.currency}`;
    lines.push(
      `  cost at ${prices.uncached}/${prices.cached}/${prices.output} ${prices.currency} per million uncached/cached/output tokens: ` +
        `${money(costOf(s.perMessage, prices))} per message, ${money(costOf(s.perReport, prices))} per report, ` +
        `${(costOf(s.perMessage, prices) * 1000).toFixed(2)} ${prices.currency} per 1,000 messages`,
    );
  }
  return lines.join("\n");
}
