/**
 * The project folder (the one holding package.json), found from this module's own location, so the
 * files the service ships (prompts/, prisma/, src/data/, the web pages) are found the same way whether
 * the code runs from src/ (tests, tsx) or compiled from dist/src/ (`npm start`).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path inside the project folder, from its parts relative to that folder. */
export function projectPath(...parts: string[]): string {
  return path.join(PROJECT_ROOT, ...parts);
}
