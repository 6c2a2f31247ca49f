/**
 * Asks a server what context it gave the model, where servers say so: Ollama's `GET /api/ps`
 * (`models[].context_length`, the context allocated at run time, which `ollama ps` shows), llama.cpp's
 * `GET /props` (`default_generation_settings.n_ctx`, per slot), and `GET /v1/models` entries with
 * `max_model_len` (vLLM; not verified against its source here) or `context_length`. Each probe is a
 * small GET with a short timeout; servers that do not know the path answer 404 and are skipped.
 */
import type { ContextInfo } from "./llm-endpoint.ts";

const PROBE_TIMEOUT_MS = 3_000;

type Json = Record<string, unknown>;

async function getJson(fetchFn: typeof fetch, url: string, key: string): Promise<Json | null> {
  try {
    const res = await fetchFn(url, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    if (!res.ok) return null;
    const body = (await res.json()) as unknown;
    return body && typeof body === "object" ? (body as Json) : null;
  } catch {
    return null;
  }
}

const positive = (v: unknown): number | null => (typeof v === "number" && v > 0 ? Math.floor(v) : null);

/** The server's root: the base URL without its trailing /v1. */
function rootOf(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "").replace(/\/v\d+$/, "");
}

/** The context the server reports for `model`, or null when it reports none. */
export async function probeContext(
  baseUrl: string,
  model: string,
  key: string,
  fetchFn: typeof fetch = globalThis.fetch,
): Promise<ContextInfo | null> {
  const root = rootOf(baseUrl);
  const ps = await getJson(fetchFn, `${root}/api/ps`, key);
  if (ps && Array.isArray(ps.models)) {
    const models = ps.models as Json[];
    const m = models.find((x) => x.name === model || x.model === model) ?? models[0];
    const tokens = positive(m?.context_length);
    if (tokens) return { tokens, source: "ollama" };
  }
  const props = await getJson(fetchFn, `${root}/props`, key);
  if (props) {
    const settings = props.default_generation_settings as Json | undefined;
    const tokens = positive(settings?.n_ctx) ?? positive(props.n_ctx);
    if (tokens) return { tokens, source: "llama.cpp" };
  }
  const models = await getJson(fetchFn, `${baseUrl.replace(/\/+$/, "")}/models`, key);
  if (models && Array.isArray(models.data)) {
    const m = (models.data as Json[]).find((x) => x.id === model);
    const vllm = positive(m?.max_model_len);
    if (vllm) return { tokens: vllm, source: "vllm" };
    const other = positive(m?.context_length) ?? positive(m?.context_window);
    if (other) return { tokens: other, source: "models" };
  }
  return null;
}
