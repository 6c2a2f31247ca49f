import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { asciiToSvg, qrAscii } from "../../bots/wechat/wechat-qr.ts";

// qrcode-terminal's own encoder, to check the SVG module by module.
const require = createRequire(import.meta.url);
const QRCode = require("qrcode-terminal/vendor/QRCode") as new (
  typeNumber: number,
  level: number,
) => { addData(s: string): void; make(): void; modules: boolean[][] };
const QRErrorCorrectLevel = require("qrcode-terminal/vendor/QRCode/QRErrorCorrectLevel") as { L: number };

describe("the login QR code on the status page", () => {
  it("draws exactly the QR modules qrcode-terminal prints", () => {
    const payload = "https://login.weixin.qq.com/l/IaysbZa04Q==";
    const svg = asciiToSvg(qrAscii(payload));
    const qr = new QRCode(-1, QRErrorCorrectLevel.L);
    qr.addData(payload);
    qr.make();
    const dark = new Set(
      [...svg.matchAll(/<rect x="(\d+)" y="(\d+)" width="1"/g)].map((m) => `${m[1]},${m[2]}`),
    );
    const expected = new Set<string>();
    qr.modules.forEach((row, y) => {
      row.forEach((isDark, x) => {
        // The terminal text starts with a border column and a border line (two module rows).
        if (isDark) expected.add(`${x + 1},${y + 2}`);
      });
    });
    expect(dark).toEqual(expected);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});
