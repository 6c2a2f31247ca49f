/**
 * Turns chat text into a command. Tolerant of wording, spaces, full-width punctuation and the bot's
 * @-mention; anything that is not a command is a report candidate.
 */
import { findCaseNumbers } from "../core/case-number.ts";

export type ParsedCommand =
  | { type: "help" }
  | { type: "my_tasks" }
  | { type: "query"; caseNumber: string | null }
  | { type: "acknowledge" }
  | { type: "fix" }
  | { type: "return"; reason: string }
  | {
      type: "request_extension";
      hours: number | null;
      unit: "work_day" | "hour" | null;
      amount: number | null;
      reason: string;
    }
  | { type: "approve_extension" }
  | { type: "reject_extension"; reason: string }
  | { type: "whistle"; departments: string }
  | { type: "close" }
  | { type: "rework"; reason: string }
  | { type: "void"; reason: string }
  | { type: "backlog"; reason: string }
  /** 改派: `target` names a segment id and/or a person (id or name), e.g. "SD-2" or "SD-2 黄卫东". */
  | { type: "reassign"; target: string }
  /** 不是同一个问题: a reporter splits their report off the case it was linked to as a duplicate. */
  | { type: "not_duplicate" }
  | { type: "brief" }
  | { type: "ranking" }
  | { type: "report" };

export interface ParsedMessage {
  command: ParsedCommand;
  /** Case numbers named in the text. */
  caseNumbers: string[];
  /** The text without the bot mention and case numbers, normalized. */
  body: string;
}

const PUNCT = /[\s,，。.!！?？:：;；、~～"“”'‘’【】[\]()（）]+/g;

interface Pattern {
  re: RegExp;
  make: (rest: string) => ParsedCommand;
}

const EXTENSION_AMOUNT = /(\d+(?:\.\d+)?)\s*(个)?(工作日|天|日|小时|h)/i;

function parseExtension(rest: string): ParsedCommand {
  const m = EXTENSION_AMOUNT.exec(rest);
  const amount = m?.[1] ? Number(m[1]) : null;
  const unit = m?.[3] ? (/小时|h/i.test(m[3]) ? "hour" : "work_day") : null;
  const reason = (m ? rest.replace(m[0], "") : rest).replace(PUNCT, " ").trim();
  const hours = amount === null || unit === null ? null : unit === "hour" ? amount : null;
  return { type: "request_extension", amount, unit, hours, reason };
}

const clean = (s: string) => s.replace(PUNCT, " ").trim();

// Order matters: longer, more specific phrases first (不同意延期 before 同意延期, 核查不通过 before 核查通过).
const PATTERNS: readonly Pattern[] = [
  { re: /^(帮助|help|菜单|使用说明|怎么用|命令|\?|？)$/i, make: () => ({ type: "help" }) },
  {
    re: /^(不是同一个问题|不是同一问题|不是同一个|不是一个问题|不是重复|不是同一处)/,
    make: () => ({ type: "not_duplicate" }),
  },
  { re: /^(我的任务|我的待办|待办事项|待办|我的案件|任务列表)/, make: () => ({ type: "my_tasks" }) },
  { re: /^(今日简报|今天简报|今日情况|简报|日报)$/, make: () => ({ type: "brief" }) },
  { re: /^(考核排名|本周排名|排名|排行榜|排行)$/, make: () => ({ type: "ranking" }) },
  { re: /^(查询|查一下|查看|进度查询|查)/, make: () => ({ type: "query", caseNumber: null }) },
  {
    re: /^(不同意延[时期]|驳回延[时期]|延[时期]不批准)/,
    make: (r) => ({ type: "reject_extension", reason: clean(r) }),
  },
  {
    re: /^(同意延[时期]|批准延[时期]|延[时期]批准|准予延[时期])/,
    make: () => ({ type: "approve_extension" }),
  },
  { re: /^(申请延[时期]|延[时期]申请|延[时期]|申请延长)/, make: parseExtension },
  {
    re: /^(核查不通过|不合格|返工|重新整改|整改不到位)/,
    make: (r) => ({ type: "rework", reason: clean(r) }),
  },
  { re: /^(核查通过|验收通过|同意销号|销号|结案|通过)/, make: () => ({ type: "close" }) },
  {
    re: /^(已整改|整改完毕|整改完成|已处理|处理完毕|处理完成|已完成|已清理|已修复|已清运|已解决)/,
    make: () => ({ type: "fix" }),
  },
  { re: /^(收到|签收|已收到|已签收|马上处理|立即处理)/, make: () => ({ type: "acknowledge" }) },
  { re: /^(回退|退回|不属于我们|非本路段|不是我们的)/, make: (r) => ({ type: "return", reason: clean(r) }) },
  { re: /^(吹哨)/, make: (r) => ({ type: "whistle", departments: clean(r) }) },
  { re: /^(作废|无效上报)/, make: (r) => ({ type: "void", reason: clean(r) }) },
  { re: /^(挂账)/, make: (r) => ({ type: "backlog", reason: clean(r) }) },
  { re: /^(改派|转派|重新派遣)/, make: (r) => ({ type: "reassign", target: clean(r) }) },
];

/** Parses one message. `botNames` are stripped wherever they are @-mentioned. */
export function parseCommand(text: string, botNames: readonly string[]): ParsedMessage {
  let t = text.normalize("NFKC");
  for (const name of botNames) t = t.split(`@${name}`).join(" ");
  const caseNumbers = findCaseNumbers(t);
  for (const n of caseNumbers) t = t.replace(new RegExp(n, "i"), " ");
  const body = t.replace(/^[\s,，。.!！:：;；、~～]+/, "").trim();
  const head = body.replace(/^(案件|这个|该案件|此案件)/, "").trim();
  for (const p of PATTERNS) {
    const m = p.re.exec(head);
    if (m) {
      const command = p.make(head.slice(m[0].length));
      if (command.type === "query")
        return { command: { type: "query", caseNumber: caseNumbers[0] ?? null }, caseNumbers, body };
      return { command, caseNumbers, body };
    }
  }
  if (caseNumbers.length > 0 && head.replace(PUNCT, "") === "") {
    return { command: { type: "query", caseNumber: caseNumbers[0] ?? null }, caseNumbers, body };
  }
  return { command: { type: "report" }, caseNumbers, body };
}
