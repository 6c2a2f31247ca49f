/**
 * Issue 13 §14: known-vulnerable packages that came in through wechaty are replaced or forced to
 * fixed versions with npm `overrides` (package.json); this reads the lock file npm installs from.
 * form-data < 2.5.4 (and 3.0.0–3.0.3, 4.0.0–4.0.3): predictable multipart boundary (GHSA-fjxv-7rqg-78g4);
 * request: SSRF via redirects, unmaintained (replaced by @cypress/request); xml2js < 0.5.0:
 * prototype pollution. What remains is listed in docs/security.md.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/project-root.ts";

const lock = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string; name?: string }>;
};
const installed = (name: string) =>
  Object.entries(lock.packages)
    .filter(([p]) => p.endsWith(`node_modules/${name}`))
    .map(([p, info]) => ({ path: p, version: info.version ?? "", alias: info.name }));
const parts = (v: string) => v.split(".").map(Number) as [number, number, number];
const below = (v: string, min: string) => {
  const [a, b, c] = parts(v);
  const [x, y, z] = parts(min);
  return a !== x ? a < x : b !== y ? b < y : c < z;
};

describe("dependency tree", () => {
  it("has no form-data with the predictable boundary", () => {
    const bad = installed("form-data").filter(({ version }) => {
      const major = parts(version)[0];
      return (
        major < 2 ||
        (major === 2 && below(version, "2.5.4")) ||
        (major === 3 && below(version, "3.0.4")) ||
        (major === 4 && below(version, "4.0.4"))
      );
    });
    expect(bad).toEqual([]);
  });

  it("has no original request package and no xml2js before 0.5.0", () => {
    for (const { path: p } of installed("request"))
      expect(lock.packages[p]).toMatchObject({ name: "@cypress/request" });
    expect(installed("xml2js").filter(({ version }) => below(version, "0.5.0"))).toEqual([]);
  });
});
