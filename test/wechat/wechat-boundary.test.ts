import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const WECHATY_IMPORT =
  /from\s+["'](wechaty|wechaty-puppet[\w-]*|file-box|qrcode-terminal)["']|import\(\s*["'](wechaty|wechaty-puppet[\w-]*)["']/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === "node_modules" || name === "generated") return [];
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("the wechaty boundary", () => {
  it("keeps wechaty, its puppets, file-box and qrcode-terminal inside bots/wechat (and its tests)", () => {
    const offenders = ["src", "bots", "scripts"]
      .flatMap((d) => files(join(ROOT, d)))
      .map((f) => relative(ROOT, f))
      .filter((f) => !f.startsWith("bots/wechat/"))
      .filter((f) => WECHATY_IMPORT.test(readFileSync(join(ROOT, f), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("loads the WeChat bot into the app only when configured (type imports or a dynamic import)", () => {
    const createApp = readFileSync(join(ROOT, "src/app/create-app.ts"), "utf8");
    const staticImports = [...createApp.matchAll(/^import (?!type ).*from "\.\.\/\.\.\/bots\/wechat\/.*$/gm)];
    expect(staticImports).toEqual([]);
  });
});
