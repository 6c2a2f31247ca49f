// `npm run eval -- --roster FILE --cases FILE.jsonl [--extractor rules|llm] [--json]`
// Scores the extractor on a labelled case file against a roster (imported into a temporary
// database), prints the failures and a table; with --json also one JSON object on the last line.
// The LLM settings come from the environment (.env), as for the service: see docs/extraction.md.
import "dotenv/config";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../src/config.ts";
import { EvalInputError, formatReport, reportJson, runEvaluation } from "../src/extraction/eval-harness.ts";

const USAGE = "usage: npm run eval -- --roster FILE --cases FILE.jsonl [--extractor rules|llm] [--json]";

function fail(message: string): never {
  console.error(`eval: ${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<number> {
  let values: { roster?: string; cases?: string; extractor?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        roster: { type: "string" },
        cases: { type: "string" },
        extractor: { type: "string", default: "rules" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
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
  console.log(formatReport(report));
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
