/**
 * Reads the JSON object out of a model's reply when the model wraps it: `<think>…</think>`
 * reasoning first, ``` fences, a sentence before or after. Returns the parsed value or why not.
 */

export type TolerantParse = { ok: true; value: unknown } | { ok: false; error: string };

/** Removes reasoning blocks, including one left open at the end of a truncated reply. */
function withoutThinking(text: string): string {
  let t = text.replace(/<think(?:ing)?>[\s\S]*?<\/think(?:ing)?>/gi, "");
  // A reply may start inside the block (some servers strip the opening tag) or never close it.
  const close = /<\/think(?:ing)?>/i.exec(t);
  if (close) t = t.slice(close.index + close[0].length);
  const open = /<think(?:ing)?>/i.exec(t);
  if (open) t = t.slice(0, open.index);
  return t;
}

/** The text of the first ``` fence, if any. */
function fenced(text: string): string | null {
  const m = /```(?:json|JSON)?\s*([\s\S]*?)```/.exec(text);
  return m?.[1] ?? null;
}

/** The first balanced {...} in `text`, respecting strings. */
function firstObject(text: string): string | null {
  const start = text.indexOf("{");
  if (start < 0) return null;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i += 1;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "{") depth += 1;
    else if (ch === "}") {
      depth -= 1;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  return null;
}

/** Parses the JSON object in a model reply. */
export function parseTolerantJson(reply: string): TolerantParse {
  const body = withoutThinking(reply).trim();
  const candidates = [body, fenced(body), firstObject(fenced(body) ?? body)].filter(
    (c): c is string => typeof c === "string" && c.trim() !== "",
  );
  let lastError = "回复中没有 JSON 对象";
  for (const c of candidates) {
    try {
      const value: unknown = JSON.parse(c.trim());
      if (typeof value === "object" && value !== null && !Array.isArray(value)) return { ok: true, value };
      lastError = "回复的 JSON 不是对象";
    } catch (e) {
      lastError = `JSON 无法解析：${(e as Error).message}`;
    }
  }
  return { ok: false, error: lastError };
}
