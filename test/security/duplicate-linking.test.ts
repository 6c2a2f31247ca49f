/**
 * Issue 13 §12: "商都大道民康路口路灯不亮" was linked to the open "文明路口井盖丢失" case (same segment,
 * class and department), so the light got no case. A report is linked only to an open case of the
 * same item code at the same place; a linked reporter can split it off with "不是同一个问题".
 */
import { afterEach, describe, expect, it } from "vitest";
import { samePlace } from "../../src/core/same-place.ts";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const cases = () => t?.app.prisma.case.findMany({ orderBy: { id: "asc" } }) ?? Promise.resolve([]);
const lastBot = async () => (await t?.botMessages())?.at(-1);

describe("duplicate linking", () => {
  it("opens a new case for the same problem at another crossing of the same segment", async () => {
    t = await startTestApp();
    await t.say("黄卫东", "商都大道与文明路交叉口往西20米井盖丢失");
    await t.say("魏雨桐", "商都大道与新圃街交叉口往东20米井盖丢失");
    const all = await cases();
    expect(all).toHaveLength(2);
    expect(all[0]?.segmentId).toBe(all[1]?.segmentId);
    expect(all.map((c) => c.categoryCode)).not.toContain(null);
  });

  it("opens a new case for another item code at the same place", async () => {
    t = await startTestApp();
    await t.say("黄卫东", "商都大道与文明路交叉口往西50米井盖丢失");
    await t.say("魏雨桐", "商都大道与文明路交叉口往西50米路灯不亮");
    expect(await cases()).toHaveLength(2);
  });

  it("links the same problem at the same place, and not the same problem 300 m away", async () => {
    t = await startTestApp();
    await t.say("黄卫东", "商都大道与文明路交叉口往西50米垃圾桶满了");
    await t.say("魏雨桐", "商都大道与文明路交叉口往西80米垃圾桶满了");
    expect(await cases()).toHaveLength(1);
    expect((await lastBot())?.kind).toBe("duplicate");
    await t.say("于志强", "商都大道与文明路交叉口往西400米垃圾桶满了");
    expect(await cases()).toHaveLength(2);
  });

  it("a linked reporter splits their report off with 不是同一个问题, as a reply or naming the case", async () => {
    t = await startTestApp();
    await t.say("黄卫东", "商都大道与文明路交叉口往西50米垃圾桶满了");
    await t.say("魏雨桐", "商都大道与文明路交叉口往西60米垃圾桶满了");
    const dup = await lastBot();
    expect(dup?.kind).toBe("duplicate");
    // Somebody else cannot split another person's report.
    await t.say("于志强", "不是同一个问题", { replyTo: dup?.platformId ?? "" });
    expect(await cases()).toHaveLength(1);
    await t.say("魏雨桐", "不是同一个问题", { replyTo: dup?.platformId ?? "" });
    const all = await cases();
    expect(all).toHaveLength(2);
    expect(all[1]?.reporterName).toBe("魏雨桐");
    expect(all[1]?.state).toBe("dispatched");
    expect((await t.botMessages()).some((m) => m.text.includes(`已受理，案件编号 ${all[1]?.number}`))).toBe(
      true,
    );
    // Split once: saying it again finds nothing left to split.
    await t.say("魏雨桐", `不是同一个问题 ${all[0]?.number}`);
    expect(await cases()).toHaveLength(2);
    expect((await lastBot())?.text).toMatch(/没有找到您被合并到该案件的上报/);
  });

  it("samePlace: landmarks, crossings with sides and distances, between two crossings", async () => {
    t = await startTestApp();
    const r = t.app.roster();
    const at = (crossing: string, direction?: string, distanceMeters?: number) => ({
      raw: "",
      road: "商都大道",
      crossing,
      ...(direction ? { direction } : {}),
      ...(distanceMeters ? { distanceMeters } : {}),
    });
    expect(samePlace(r, at("文明路", "往西", 50), at("文明路", "往西", 120))).toBe(true);
    expect(samePlace(r, at("文明路", "往西", 60), at("文明路", "往东", 60))).toBe(false);
    expect(samePlace(r, at("文明路"), at("新圃街"))).toBe(false);
    expect(
      samePlace(r, { ...at("文明路"), crossing2: "新圃街" }, { ...at("新圃街"), crossing2: "文明路" }),
    ).toBe(true);
  });
});
