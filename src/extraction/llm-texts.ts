/**
 * What the operator reads about the LLM (log lines, /healthz, the console): Chinese, naming the
 * variable to change and how. One place for these texts (STYLE.md §6).
 */
import type { ResponseMode } from "./llm-settings.ts";

/** The variable names of one endpoint: LLM_* for the text model, LLM_VISION_* for the vision model. */
export function varsOf(role: "text" | "vision") {
  const p = role === "vision" ? "LLM_VISION_" : "LLM_";
  return {
    model: `${p}MODEL`,
    key: `${p}API_KEY`,
    url: `${p}BASE_URL`,
    mode: `${p}RESPONSE_MODE`,
    extra: `${p}EXTRA_BODY`,
  };
}

/** How to switch thinking off, per provider (their own documentation; see docs/extraction.md). */
export const THINKING_OFF: Record<string, string> = {
  dashscope: '{"enable_thinking": false}',
  deepseek: '{"thinking": {"type": "disabled"}}',
  moonshot: '{"thinking": {"type": "disabled"}}',
  selfHosted: '{"chat_template_kwargs": {"enable_thinking": false}}',
};

/** When the provider cannot be told from the URL (a gateway, a local server): every documented switch. */
export const THINKING_OFF_ANY =
  '对应的开关（DashScope：{"enable_thinking": false}；DeepSeek、Kimi：{"thinking": {"type": "disabled"}}；vLLM 等部署的 Qwen3：{"chat_template_kwargs": {"enable_thinking": false}}）';

export const LLM_TEXT = {
  schemaUnsupported: (v: string, mode: ResponseMode) => `${v}=${mode} 不被该服务支持，请改为 json_object`,
  jsonUnsupported: (v: string) => `该服务不支持 JSON 模式，请把 ${v} 改为 prompt`,
  thinkingMustBeOff: (v: string, off: string) => `该服务要求关闭思考才能这样调用：请在 ${v} 中加入 ${off}`,
  thinkingOn: (v: string, off: string, tokens: number) =>
    `模型在“思考”（回复带 reasoning_content，本次 ${tokens} 个输出 token）：每条上报多花 10–60 秒和几百到几千个 token。请在 ${v} 中加入 ${off} 关闭思考`,
  thinkingOnNoSwitch: (v: string) =>
    `模型在“思考”（回复带 reasoning_content）：每条上报多花时间和 token。请换用不思考的模型，或按服务商文档在 ${v} 中关闭思考`,
  temperatureOnly: (value: string) =>
    `该模型不接受 LLM_TEMPERATURE（只接受 ${value}）：请把 LLM_TEMPERATURE 留空或写 none（不发送），或改为 ${value}`,
  temperatureRefused: () => "该模型不接受 LLM_TEMPERATURE：请把 LLM_TEMPERATURE 留空或写 none（不发送）",
  maxTokens: () => "LLM_MAX_TOKENS 超出该模型允许的输出长度，请调小（如 800）",
  badKey: (v: string) => `${v} 无效、已过期或没有填写：请在服务商控制台复制正确的密钥`,
  noBalance: (v: string) => `账户余额不足或欠费：请在服务商控制台充值，或换用另一个账户的 ${v}`,
  forbidden: (v: string, model: string) =>
    `没有使用 ${v}=${model} 的权限：请在服务商控制台开通该模型，或换一个模型`,
  notFound: (vm: string, model: string, vu: string) =>
    `找不到模型或接口：请检查 ${vm}=${model} 是否为服务商当前的模型名，以及 ${vu} 是否写到 /v1（DashScope 为 /compatible-mode/v1）为止`,
  retiredModel: (vm: string, model: string, instead: string) =>
    `${vm}=${model} 是服务商已停用的旧模型名，请改为 ${instead}`,
  contextTooSmall: (fix: string) => `提示词超出了服务分配的上下文：${fix}`,
  replyMayNotFit: (need: number, maxTokens: number, ctx: number, fix: string) =>
    `提示词约 ${need} token，加上回复上限 LLM_MAX_TOKENS=${maxTokens}，超过服务的上下文 ${ctx} token，回复可能被截断：${fix}`,
  refused: (vm: string, vmode: string, vx: string) =>
    `请求被服务拒绝：请检查 ${vm}、${vmode} 和 ${vx} 是否符合服务商文档`,
  ollamaContext: (ctx: number, need: number) =>
    `Ollama 只给模型分配了 ${ctx} token 的上下文，提示词约需 ${need} token：请在运行 Ollama 的机器上设置 OLLAMA_CONTEXT_LENGTH=8192 并重启 Ollama`,
  llamaCppContext: (ctx: number, need: number) =>
    `llama.cpp 每个槽位只有 ${ctx} token 的上下文（-c 的总长除以 -np 槽位数），提示词约需 ${need} token：请用 -c 8192×槽位数 重新启动 llama-server`,
  vllmContext: (ctx: number, need: number) =>
    `vLLM 的 max_model_len 只有 ${ctx} token，提示词约需 ${need} token：请用 --max-model-len 8192 或更大重新启动`,
  genericContext: (ctx: number, need: number, vm: string) =>
    `服务报告的上下文只有 ${ctx} token，提示词约需 ${need} token：请换用上下文更大的 ${vm}，或调大服务的上下文设置`,
  truncated: (got: number, need: number, fix: string) =>
    `服务只读了提示词的 ${got} token（应约 ${need} token），其余被截掉了，结果不可信：${fix}`,
  truncatedGeneric:
    "请调大服务的上下文长度（Ollama：OLLAMA_CONTEXT_LENGTH=8192；llama.cpp：-c；vLLM：--max-model-len）",
  paused: (minutes: number, why: string) => `LLM 暂停 ${minutes} 分钟，期间用规则提取：${why}`,
  pausedOutage: (n: number, minutes: number, why: string) =>
    `LLM 连续 ${n} 次超时或连不上，暂停 ${minutes} 分钟，期间用规则提取（${why}）`,
  resumed: (model: string) => `LLM ${model} 已恢复，重新用 LLM 提取`,
  checkOk: (model: string, mode: ResponseMode, ms: number) => `LLM ${model} 检查通过（${mode}，${ms} ms）`,
  checkUnreachable: (model: string, why: string) =>
    `LLM ${model} 启动检查未成功：${why}；先用规则，稍后自动重试`,
  promptSize: (need: number, ctx: number | null, source: string | null) =>
    ctx
      ? `提示词约 ${need} token（估算），服务报告的上下文 ${ctx} token（${source}）`
      : `提示词约 ${need} token（估算），服务没有报告上下文长度`,
  retiredAtStart: (vm: string, model: string, instead: string) =>
    `${vm}=${model} 是服务商宣布停用的旧模型名（DeepSeek 2026-07-24 起），请改为 ${instead}`,
};
