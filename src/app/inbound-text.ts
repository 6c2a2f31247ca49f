/**
 * Inbound text as the bot may keep and echo it: control characters (NUL, ESC …, all but line
 * breaks and tabs) and Unicode bidirectional controls (U+202E turns "…gpj.exe" into "…exe.jpg" on
 * screen) are removed from every channel's text and sender names before they are stored.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
/** LRM, RLM, ALM and the embedding, override and isolate controls. */
const BIDI = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

/** `text` without control and bidi characters; CR LF and lone CR become LF. */
export function cleanInboundText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL, "").replace(BIDI, "");
}
