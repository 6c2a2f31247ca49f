/**
 * Error text from an LLM provider may echo what it was sent, the API key included (some do in their
 * 401 bodies). Before such text is logged or stored on a case it goes through `scrubSecrets`: the
 * configured secrets and anything shaped like a key or bearer token become "[已隐去]", control
 * characters are dropped, and the length is capped.
 */

/** Key- and token-shaped strings: sk-…, Bearer …, and long runs of key alphabet. */
const KEY_SHAPES = [
  /\bBearer\s+[^\s"',]+/gi,
  /\b(?:sk|pk|ak|rk)-[A-Za-z0-9_-]{8,}/g,
  /[A-Za-z0-9+/_=-]{32,}/g,
];
const HIDDEN = "[已隐去]";

/** `text` without `secrets` and key-shaped strings, as one line of at most `max` characters. */
export function scrubSecrets(text: string, secrets: readonly string[] = [], max = 300): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(HIDDEN);
  for (const re of KEY_SHAPES) out = out.replace(re, HIDDEN);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  out = out.replace(/[\u0000-\u001f\u007f]+/g, " ");
  return out.length > max ? `${out.slice(0, max)}…` : out;
}
