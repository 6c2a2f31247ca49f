/** Architecture boundaries (STYLE.md §1–2), checked on the source text. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory())
      return name === "generated" || name.startsWith("generated-") || name === "public" ? [] : sourceFiles(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map(
    (m) => m[1] ?? "",
  );

describe("boundaries", () => {
  it("src/core imports no platform SDK, Prisma, LLM client or process.env", () => {
    const forbidden = [
      /^@larksuiteoapi\//,
      /^wechaty/,
      /^@prisma\//,
      /^openai/,
      /store\/generated/,
      /^fastify/,
    ];
    const files = sourceFiles("src/core");
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      for (const imp of importsOf(f)) {
        for (const re of forbidden) expect(re.test(imp), `${f} imports ${imp}`).toBe(false);
      }
      expect(readFileSync(f, "utf8").includes("process.env"), `${f} reads process.env`).toBe(false);
    }
  });

  it("src/conversation depends on ports, not on Prisma or platforms", () => {
    for (const f of sourceFiles("src/conversation")) {
      for (const imp of importsOf(f)) {
        expect(/^@prisma\/|store\/|^@larksuiteoapi|^wechaty|^openai/.test(imp), `${f} imports ${imp}`).toBe(
          false,
        );
      }
    }
  });

  it("platform SDKs are imported only inside their own bots/ folder", () => {
    const all = [...sourceFiles("src"), ...sourceFiles("bots")];
    for (const f of all) {
      for (const imp of importsOf(f)) {
        if (/^@larksuiteoapi\//.test(imp))
          expect(f.startsWith("bots/lark"), `${f} imports ${imp}`).toBe(true);
        if (/^wechaty/.test(imp)) expect(f.startsWith("bots/wechat"), `${f} imports ${imp}`).toBe(true);
      }
    }
  });

  it("no logic reads process.env outside configuration and entry points", () => {
    const allowed = new Set(["src/config.ts", "src/main.ts"]);
    for (const f of [...sourceFiles("src"), ...sourceFiles("bots")]) {
      if (allowed.has(f) || f.endsWith("-config.ts")) continue;
      expect(readFileSync(f, "utf8").includes("process.env"), `${f} reads process.env`).toBe(false);
    }
  });
});
