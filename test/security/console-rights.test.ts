/**
 * Issue 13 §5–§7: the console's sign-in brake, rights read on every request, and roster imports that
 * cannot lock the office out.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleApp, CookieJar, signIn, startConsoleApp } from "../console/console-harness.ts";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { demoRoster, demoSheets, tempDir, writeCsvSet } from "../roster/roster-fixtures.ts";
import { multipartFile } from "./zip-bomb.ts";

let t: TestApp | ConsoleApp | undefined;
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("luzhang-rights-"));
});
afterAll(async () => cleanup());
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A sign-in form's token and cookies, for many POSTs. */
async function loginForm(app: TestApp) {
  const jar = new CookieJar();
  const pre = await app.app.server.inject({ method: "GET", url: "/console/api/login" });
  jar.take(pre);
  const token = (pre.json() as { csrfToken: string }).csrfToken;
  return (
    payload: { name: string; password: string },
    extra: { remoteAddress?: string; xff?: string } = {},
  ) =>
    app.app.server.inject({
      method: "POST",
      url: "/console/api/login",
      headers: {
        cookie: jar.header(),
        "x-csrf-token": token,
        ...(extra.xff ? { "x-forwarded-for": extra.xff } : {}),
      },
      ...(extra.remoteAddress ? { remoteAddress: extra.remoteAddress } : {}),
      payload,
    });
}

describe("§5 sign-in throttle", () => {
  it("200 wrong passwords at once: at most 10 are hashed, the rest refused at once; files keep coming", async () => {
    // No CONSOLE_PASSWORD: the generated password is checked with scrypt (~50 ms each).
    t = await startTestApp();
    const post = await loginForm(t);
    const started = Date.now();
    const burst = Promise.all(
      Array.from({ length: 200 }, (_, i) => post({ name: "廖红梅", password: `wrong-password-${i}` })),
    );
    const asset = await t.app.server.inject({ method: "GET", url: "/console/assets/console.css" });
    const assetMs = Date.now() - started;
    const codes = (await burst).map((r) => r.statusCode);
    expect(asset.statusCode).toBe(200);
    expect(assetMs).toBeLessThan(3_000);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(10);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(190);
    const refused = (await burst).find((r) => r.statusCode === 429);
    expect(refused?.json()).toMatchObject({ error: expect.stringMatching(/分钟后再试/) });
  });

  it("limits guesses per name across addresses", async () => {
    t = await startConsoleApp();
    const post = await loginForm(t);
    for (let i = 0; i < 10; i++)
      expect(
        (await post({ name: "廖红梅", password: "wrong-password" }, { remoteAddress: `198.51.100.${i + 1}` }))
          .statusCode,
      ).toBe(401);
    const next = await post(
      { name: "廖红梅", password: "wrong-password" },
      { remoteAddress: "198.51.100.99" },
    );
    expect(next.statusCode).toBe(429);
  });

  it("behind a trusted proxy, one guesser does not lock the whole office out", async () => {
    t = await startConsoleApp({ env: { TRUST_PROXY: "127.0.0.1" } });
    const post = await loginForm(t);
    for (let i = 0; i < 12; i++)
      await post({ name: "宋学军", password: "wrong-password" }, { xff: "198.51.100.1" });
    expect((await post({ name: "蔡磊", password: "wrong" }, { xff: "198.51.100.1" })).statusCode).toBe(429);
    const office = await post({ name: "廖红梅", password: "correct-horse-battery" }, { xff: "198.51.100.2" });
    expect(office.statusCode).toBe(200);
  });
});

describe("§6 rights on every request", () => {
  it("a revoked inspector's session ends at the next request", async () => {
    t = await startConsoleApp();
    const { client } = await signIn(t);
    expect((await client.get("/console/api/cases")).statusCode).toBe(200);
    const me = t.person("廖红梅");
    // Another admin (or a roster import from the command line) takes the role away in the database.
    await t.app.prisma.person.update({ where: { id: me.id }, data: { roles: "[]" } });
    expect((await client.get("/console/api/cases")).statusCode).toBe(401);
    expect((await client.get("/console/api/roster")).statusCode).toBe(401);
    expect(await t.app.prisma.consoleSession.count({ where: { personId: me.id } })).toBe(0);
  });

  it("nobody edits their own roles, and a role change ends that person's sessions", async () => {
    t = await startConsoleApp();
    const me = t.person("廖红梅");
    const { client } = await signIn(t);
    const edit = (roles: string[]) => ({ name: me.name, title: me.title, phone: me.phone, roles });
    const self = await client.post(`/console/api/roster/people/${me.id}`, edit(["inspector", "admin"]));
    expect(self.statusCode).toBe(403);
    expect(t.app.roster().people.get(me.id)?.roles).toEqual(["inspector"]);

    const { client: other } = await signIn(t, "宋学军");
    expect((await other.post(`/console/api/roster/people/${me.id}`, edit([]))).statusCode).toBe(200);
    expect((await client.get("/console/api/cases")).statusCode).toBe(401);
    expect((await client.post(`/console/api/roster/people/${me.id}`, edit(["inspector"]))).statusCode).toBe(
      401,
    );
  });
});

describe("§7 roster imports keep the office able to sign in", () => {
  async function upload(app: TestApp, file: string, dryRun: boolean) {
    const { client } = await signIn(app);
    const { body, type } = await multipartFile(file, path.basename(file));
    const res = await client.post(`/console/api/roster/upload${dryRun ? "?dryRun=1" : ""}`, body, {
      "content-type": type,
    });
    return res.json() as {
      ok: boolean;
      summary?: string;
      removed?: { name: string }[];
      problems?: { message: string }[];
    };
  }

  it("a CSV of segments alone leaves inspectors, admins and departments as they are", async () => {
    t = await startConsoleApp();
    const demo = await demoRoster();
    const csv = await writeCsvSet(path.join(dir, "segments"), { 路段: demoSheets(demo).路段 ?? [] });
    const departments = await t.app.prisma.department.count();
    const result = await upload(t, csv, false);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(result.summary).not.toMatch(/移出/);
    expect(
      t.app
        .roster()
        .inspectors()
        .map((p) => p.name),
    ).toEqual(["廖红梅", "宋学军", "蔡磊"]);
    expect(await t.app.prisma.department.count()).toBe(departments);
    expect((await signIn(t)).login.statusCode).toBe(200);
  });

  it("refuses an import that leaves no inspector or admin, dry run or not", async () => {
    t = await startConsoleApp();
    const demo = await demoRoster();
    const file = path.join(dir, "no-inspectors.json");
    await writeFile(file, JSON.stringify({ ...demo, inspectors: [] }));
    for (const dryRun of [true, false]) {
      const result = await upload(t, file, dryRun);
      expect(result.ok).toBe(false);
      expect(result.problems?.[0]?.message).toMatch(/没有任何督查员或管理员.*未导入/);
    }
    expect(t.app.roster().inspectors()).toHaveLength(3);
  });

  it("the dry run names who would be removed", async () => {
    t = await startConsoleApp();
    const demo = await demoRoster();
    const file = path.join(dir, "one-less.json");
    await writeFile(
      file,
      JSON.stringify({ ...demo, inspectors: demo.inspectors.filter((p) => p.name !== "蔡磊") }),
    );
    const result = await upload(t, file, true);
    expect(result.ok).toBe(true);
    expect(result.summary).toMatch(/移出的人员：蔡磊/);
    expect(result.removed?.map((p) => p.name)).toEqual(["蔡磊"]);
    expect(t.app.roster().inspectors()).toHaveLength(3);
  });
});
