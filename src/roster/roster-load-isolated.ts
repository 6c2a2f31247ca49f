/**
 * Loads an uploaded or imported roster file without risking the service: an .xlsx is checked against
 * the zip limits first (zip-limits.ts), then the file is parsed in a worker thread with its own heap
 * limit and a time limit. A file that still blows up kills only the worker; the caller gets a
 * problem in Chinese instead of the whole process dying of "Reached heap limit".
 */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { RosterLoadResult } from "./roster-load.ts";
import { checkZipLimits, type ZipLimits } from "./zip-limits.ts";

export interface RosterParseLimits extends ZipLimits {
  /** Old-generation heap of the parsing worker, in MB (ROSTER_PARSE_MEMORY_MB). */
  parseMemoryMb: number;
  /** Longest a parse may take (ms). */
  parseTimeoutMs: number;
}

/** Input of the worker (roster-parse-worker.ts). */
export interface RosterParseJob {
  file: string;
  taxonomyCodes: string[];
}

/**
 * The worker's entry. Compiled (`npm start`) it is the .js next to this file. Running from the
 * TypeScript sources (tsx, vitest) the .ts file needs tsx's loader, which a worker does not inherit
 * (nor take as --import): a small bootstrap registers it inside the worker, then imports the file.
 */
function workerUrl(): URL {
  const fromSource = import.meta.url.endsWith(".ts");
  const worker = new URL(`./roster-parse-worker.${fromSource ? "ts" : "js"}`, import.meta.url);
  if (!fromSource) return worker;
  const tsx = pathToFileURL(tsxEsmApi()).href;
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(worker.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** The ESM build of `tsx/esm/api`, by tsx's own export map (require.resolve would pick the CommonJS one). */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve("tsx/package.json");
  const pkg = require(manifest) as { exports: Record<string, { import?: { default?: string } }> };
  const target = pkg.exports["./esm/api"]?.import?.default;
  if (!target) throw new Error("tsx has no ESM export ./esm/api");
  return path.join(path.dirname(manifest), target);
}

const refused = (file: string, message: string): RosterLoadResult => ({
  ok: false,
  problems: [{ file: path.basename(file), message }],
});

/** loadRosterFile, bounded: zip limits for .xlsx, then a worker with a heap and time limit. */
export async function loadRosterFileIsolated(
  file: string,
  taxonomyCodes: Iterable<string>,
  limits: RosterParseLimits,
): Promise<RosterLoadResult> {
  if (path.extname(file).toLowerCase() === ".xlsx") {
    const zip = await checkZipLimits(file, limits);
    if (!zip.ok) return refused(file, zip.message);
  }
  const job: RosterParseJob = { file, taxonomyCodes: [...taxonomyCodes] };
  const worker = new Worker(workerUrl(), {
    workerData: job,
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: limits.parseMemoryMb, maxYoungGenerationSizeMb: 16 },
    stdout: false,
    stderr: false,
  });
  return new Promise<RosterLoadResult>((resolve) => {
    let settled = false;
    const settle = (r: RosterLoadResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
      void worker.terminate();
    };
    const timer = setTimeout(
      () =>
        settle(
          refused(
            file,
            `名册文件 ${Math.round(limits.parseTimeoutMs / 1000)} 秒内未能读完，已停止：文件太大或已损坏`,
          ),
        ),
      limits.parseTimeoutMs,
    );
    worker.once("message", (r: RosterLoadResult) => settle(r));
    worker.once("error", (err: Error & { code?: string }) =>
      settle(
        refused(
          file,
          err.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? `读取名册文件时超出内存上限 ${limits.parseMemoryMb} MB（ROSTER_PARSE_MEMORY_MB），已停止：文件太大或已损坏`
            : `读取名册文件失败：${err.message.slice(0, 200)}`,
        ),
      ),
    );
    worker.once("exit", (code) => settle(refused(file, `读取名册文件的进程意外退出（代码 ${code}）`)));
  });
}
