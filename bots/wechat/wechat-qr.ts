/**
 * The login QR code for the terminal (qrcode-terminal) and as an SVG for the local status page, so
 * scanning works on a machine without internet access (no third-party QR image service).
 */
import qrcodeTerminal from "qrcode-terminal";

/** qrcode-terminal's compact output: each character is two modules, top and bottom. */
export function qrAscii(payload: string): string {
  let out = "";
  qrcodeTerminal.generate(payload, { small: true }, (s) => {
    out = s;
  });
  return out;
}

// In the compact output "█" is light over light, "▀" light over dark, "▄" dark over light, " " dark.
const TOP_LIGHT = new Set(["\u2588", "\u2580"]);
const BOTTOM_LIGHT = new Set(["\u2588", "\u2584"]);

/** Quiet zone around the SVG code, in modules (the QR standard asks for 4). */
const QUIET_ZONE = 4;

/** Redraws the compact text QR as an SVG (dark modules on white), with a proper quiet zone. */
export function asciiToSvg(ascii: string, moduleSize = 6): string {
  const lines = ascii.split("\n").filter((l) => l.length > 0);
  const width = Math.max(0, ...lines.map((l) => [...l].length));
  const last = lines.length - 1;
  const rects: string[] = [];
  lines.forEach((line, row) => {
    [...line].forEach((ch, x) => {
      // The first line's top half and the last line's bottom half are the terminal border: skip.
      if (row > 0 && !TOP_LIGHT.has(ch)) rects.push(`<rect x="${x}" y="${row * 2}" width="1" height="1"/>`);
      if (row < last && !BOTTOM_LIGHT.has(ch))
        rects.push(`<rect x="${x}" y="${row * 2 + 1}" width="1" height="1"/>`);
    });
  });
  const w = width + 2 * QUIET_ZONE;
  const h = lines.length * 2 + 2 * QUIET_ZONE;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${-QUIET_ZONE} ${-QUIET_ZONE} ${w} ${h}" ` +
    `width="${w * moduleSize}" height="${h * moduleSize}" shape-rendering="crispEdges">` +
    `<rect x="${-QUIET_ZONE}" y="${-QUIET_ZONE}" width="${w}" height="${h}" fill="#fff"/>` +
    `<g fill="#000">${rects.join("")}</g></svg>`
  );
}
