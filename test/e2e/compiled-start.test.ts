/**
 * `npm start` runs the compiled JavaScript in dist/, not the TypeScript sources every other test
 * imports. This builds dist/ the way `npm start` does and starts it with the start script's node flags
 * on an empty data folder: migrations, the demo roster, the files the service ships found from dist/
 * (simulator page, console page, taxonomy, jieba dictionary), and a report typed into the simulator
 * that comes back with its receipt. Then SIGTERM stops it cleanly.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/project-root.ts";

let dataDir: string;
let child: ChildProcess | undefined;
let output = "";

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "luzhang-compiled-"));
});

afterAll(async () => {
  child?.kill("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

/** The node flags and entry file of package.json's start script (`… && node <flags> dist/src/main.js`). */
function startCommand(): { flags: string[]; entry: string } {
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const match = /\bnode ((?:--\S+ )*)(dist\/\S+\.js)/.exec(pkg.scripts.start ?? "");
  if (!match) throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  return { flags: (match[1] ?? "").trim().split(/\s+/).filter(Boolean), entry: match[2] ?? "" };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; service output:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("npm start (compiled)", () => {
  it("builds dist/, starts on an empty data folder, answers a report, and stops on SIGTERM", async () => {
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: PROJECT_ROOT, stdio: "pipe" });

    const { flags, entry } = startCommand();
    expect(flags).toContain("--max-old-space-size=512");
    child = spawn(process.execPath, [...flags, entry], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (b: Buffer) => {
      output += b.toString();
    });
    child.stderr?.on("data", (b: Buffer) => {
      output += b.toString();
    });
    const base = await until("the simulator address", async () =>
      /网页模拟群聊：(http:\/\/\S+?)\/?"/.exec(output)?.[1]?.replace("localhost", "127.0.0.1"),
    );

    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("路长通");
    const console = await fetch(`${base}/console/login`);
    expect(console.status).toBe(200);

    const posted = await fetch(`${base}/api/sim/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        clientMessageId: "compiled-1",
        senderId: "guest",
        guestName: "市民",
        text: "青年路县人民医院门口有人占道摆摊",
        mentionBot: true,
      }),
    });
    expect(posted.status).toBe(202);
    const receipt = await until("the receipt", async () => {
      const res = (await (await fetch(`${base}/api/sim/messages`)).json()) as {
        entries: { direction: string; payload: { text?: string } }[];
      };
      return res.entries.find((e) => e.direction === "out" && /ZM\d{8}-\d{3}/.test(e.payload.text ?? ""))
        ?.payload.text;
    });
    expect(receipt).toMatch(/ZM\d{8}-\d{3}/);

    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("已载入演示路长名册");
  }, 180_000);
});
