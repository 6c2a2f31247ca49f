// `npm run eval -- --roster FILE --cases FILE.jsonl [--extractor rules|llm] [--json]
//   [--price-input N --price-cached N --price-output N --currency 元]`
// Scores the extractor on a labelled case file against a roster (imported into a temporary
// database), prints the failures and a table; with --json also one JSON object on the last line.
// The LLM settings come from the environment (.env), as for the service: see docs/extraction.md.
// With prices (per million tokens: uncached prompt, cached prompt, output) it prints a cost estimate.
import "dotenv/config";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../src/config.ts";
import { EvalInputError, formatReport, reportJson, runEvaluation } from "../src/extraction/eval-harness.ts";

const USAGE =
  "usage: npm run eval -- --roster FILE --cases FILE.jsonl [--extractor rules|llm] [--json]\n" +
  "       [--price-input N] [--price-cached N] [--price-output N] [--currency 元]   (prices per million tokens)";

/** A price per million tokens from the command line, or null when not given. */
function price(name: string, value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} 应为每百万 token 的价格（非负数），如 2`);
  return n;
}

function fail(message: string): never {
  console.error(`eval: ${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<number> {
  let values: {
    roster?: string;
    cases?: string;
    extractor?: string;
    json?: boolean;
    help?: boolean;
    "price-input"?: string;
    "price-cached"?: string;
    "price-output"?: string;
    currency?: string;
  };
  try {
    ({ values } = parseArgs({
      options: {
        roster: { type: "string" },
        cases: { type: "string" },
        extractor: { type: "string", default: "rules" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        "price-input": { type: "string" },
        "price-cached": { type: "string" },
        "price-output": { type: "string" },
        currency: { type: "string", default: "元" },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.roster) fail("缺少 --roster");
  if (!values.cases) fail("缺少 --cases");
  if (values.extractor !== "rules" && values.extractor !== "llm") fail("--extractor 应为 rules 或 llm");
  for (const f of [values.roster, values.cases]) if (!existsSync(f)) fail(`找不到文件 ${f}`);

  let llm = null;
  if (values.extractor === "llm") {
    try {
      llm = loadConfig(process.env).llm;
    } catch (e) {
      if (e instanceof ConfigError) fail(e.message);
      throw e;
    }
    if (!llm) fail("--extractor llm 需要在环境或 .env 中配置 LLM_BASE_URL 和 LLM_MODEL");
  }
  const report = await runEvaluation({
    rosterFile: values.roster,
    casesFile: values.cases,
    extractor: values.extractor,
    llm,
  });
  const input = price("price-input", values["price-input"]);
  const output = price("price-output", values["price-output"]);
  const cached = price("price-cached", values["price-cached"]) ?? input;
  const prices =
    input !== null && output !== null && cached !== null
      ? { uncached: input, cached, output, currency: values.currency ?? "元" }
      : null;
  if ((input === null) !== (output === null)) fail("--price-input 和 --price-output 要一起给出");
  console.log(formatReport(report, prices));
  if (values.json) console.log(reportJson(report));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof EvalInputError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(`eval 失败：${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
