// The LLM's state on the cases page: one quiet line when all is well, a banner with the reason and
// the fix (scrubbed of secrets by the server) when the LLM is paused.
import { api, fmtTime } from "./common.js";
import { TEXT } from "./texts.js";

function describe(llm) {
  if (!llm) return { state: "off", lines: [TEXT.llmOff] };
  const t = llm.text;
  const reason = t.lastError ? [TEXT.llmReason(t.lastError.fix || t.lastError.message)] : [];
  if (t.state === "open")
    return { state: "paused", lines: [TEXT.llmPaused(t.model, fmtTime(t.pausedUntil)), ...reason] };
  if (t.state === "half_open") return { state: "paused", lines: [TEXT.llmProbing(t.model), ...reason] };
  if (t.check === "failed") return { state: "paused", lines: [TEXT.llmCheckFailed(t.model), ...reason] };
  return { state: "ok", lines: [TEXT.llmOk(t.model)] };
}

/** Fills `node` with the LLM's state; leaves it hidden when the status cannot be read. */
export async function showLlmStatus(node) {
  if (!node) return;
  try {
    const { llm } = await api("/console/api/status");
    const { state, lines } = describe(llm);
    node.dataset.state = state;
    node.textContent = lines.join(" ");
    node.hidden = false;
  } catch {
    node.hidden = true;
  }
}
