/**
 * Places as people say them (issue 19): counted crossings, corrections, name families, route phrases,
 * near-identical landmarks, near names by sound, run-ons, distances from landmarks by coordinates,
 * spoken numbers, spans — through the rules extractor and the shared resolver, on the two corpus
 * rosters with same-stem roads (桐河县, 梓川县). Sentences here are written for the test.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadTaxonomy } from "../../src/app/taxonomy-load.ts";
import { locatePlace } from "../../src/core/place-locate.ts";
import type { RosterIndex } from "../../src/core/roster-index.ts";
import { loadRosterForEval } from "../../src/extraction/eval-harness.ts";
import { ExtractionPolicy } from "../../src/extraction/extraction-policy.ts";
import { RulesExtractor } from "../../src/extraction/rules-extractor.ts";
import { readSpokenDistance } from "../../src/extraction/spoken-distance.ts";

const taxonomy = loadTaxonomy();
let th: RosterIndex;
let zc: RosterIndex;
let thRules: RulesExtractor;
let zcRules: RulesExtractor;
beforeAll(async () => {
  ({ roster: th } = await loadRosterForEval("eval/corpus/rosters/roster-tonghe.json"));
  ({ roster: zc } = await loadRosterForEval("eval/corpus/rosters/roster-zichuan.json"));
  thRules = new RulesExtractor(th, taxonomy);
  zcRules = new RulesExtractor(zc, taxonomy);
});

/** The segment a message resolves to, or the sorted choices when the bot must ask. */
function where(roster: RosterIndex, rules: RulesExtractor, text: string): string | string[] {
  const located = locatePlace(roster, rules.extractSync(text).location);
  if (located.resolution.ok) return located.resolution.segment.id;
  return located.choices.map((c) => c.segmentId).sort();
}
const t = (text: string) => where(th, thRules, text);
const z = (text: string) => where(zc, zcRules, text);

describe("counted crossings (过了第N个红绿灯)", () => {
  it("counts from the anchor in the direction said, at, past or before the nth", () => {
    expect(t("泰山大街从光明街往东过了第三个红绿灯，路边有个坑")).toBe("TS-3");
    expect(t("槐荫街从南环路往北，过了第二个路口有人卖菜")).toBe("HY-1");
    expect(["TS-1", "TS-2"]).toContain(t("泰山大街从文昌街往西数第二个红绿灯那儿有垃圾"));
    expect(t("光明街从泰山大街往南，第二个路口还没到，井盖坏了")).toBe("GM-2");
  });

  it("asks when the count has no anchor, or runs past the road's last crossing", () => {
    expect(t("泰山大街过了第二个红绿灯有人摆摊")).toEqual(["TS-1", "TS-2", "TS-3", "TS-4"]);
    expect(
      locatePlace(th, thRules.extractSync("泰山大街从鲁泰路往东数第六个红绿灯有人摆摊").location).resolution
        .ok,
    ).toBe(false);
  });

  it("reads 红绿灯 in a counted phrase as a place, not as a traffic-light fault", () => {
    const r = thRules.extractSync("泰山大街从光明街往东过了第二个红绿灯，有个井盖没了");
    expect(r.problems.map((p) => p.categoryCode)).toEqual(["01023"]);
    const fault = thRules.extractSync("泰山大街文昌街口的红绿灯坏了");
    expect(fault.problems.map((p) => p.categoryCode)).toEqual(["02014"]);
  });

  it("turns at the counted crossing and goes on along the crossing road", () => {
    // East on 泰山大街 from 光明街, third light is 文昌街; right turn = south; 100 m down 文昌街.
    expect(t("泰山大街从光明街往东，第三个红绿灯右拐，再走一百米有个坑")).toBe("WC-2");
  });
});

describe("corrections (the last stated place wins)", () => {
  it("replaces what is corrected and keeps the rest", () => {
    expect(t("振兴路鲁泰路口，不对，是文昌街口往西五十米，路灯坏了")).toBe("ZX-2");
    expect(t("南环路槐荫街口往东一百米，哦不，往西一百米有垃圾")).toBe("NH-1");
    expect(t("一中北门，说错了，南门，门口有人卖东西")).toBe("JD-1");
  });

  it("keeps both places when the reporter is unsure, and drops a place they take back", () => {
    expect(t("文化路文昌街口，不对，好像是泰山大街文昌街口，我也拿不准，有人摆摊")).toEqual([
      "TS-2",
      "TS-3",
      "WH-1",
      "WH-2",
    ]);
    expect(t("在振兴路还是南环路，鲁泰路口那儿，有个坑")).toEqual(["NH-3", "ZX-3"]);
  });
});

describe("name families (建设路 for 建设东路 / 建设西路)", () => {
  it("resolves with the other road, the landmark or the side said", () => {
    expect(t("建设路槐荫街口往东二十米垃圾桶满了")).toBe("JX-2");
    expect(t("建设路鲁泰路口有人摆摊")).toEqual(expect.stringMatching(/^JD-[12]$/));
    expect(t("建设路县政府门口有垃圾")).toBe("JX-2");
    expect(t("光明街建设路口往北一百米有坑")).toBe("GM-1");
  });

  it("asks which, and never picks the crossing named like the stem", () => {
    expect(t("建设路上有人乱扔垃圾")).toEqual(["JD-1", "JD-2", "JX-1", "JX-2"]);
    expect(t("建设路东段有人烧烤")).toEqual(["JD-1", "JD-2"]);
  });
});

describe("route phrases: the walk leads to the problem's place", () => {
  it("follows 从…拐进…往…走了N米 and 从…过来，经过…口", () => {
    expect(t("从光明街拐进振兴路往东走了一百米，有人摆摊")).toBe("ZX-1");
    expect(t("刚从银座那边过来，经过泰山大街鲁泰路口，路口井盖没了")).toBe("TS-3");
    expect(t("沿着振兴路往东，到东环路口左拐，拐过去一百米有个坑")).toBe("DH-2");
  });
});

describe("near-identical landmarks", () => {
  it("are told apart by the road, else both are choices", () => {
    expect(t("家家悦门口有人发传单")).toEqual(["JD-1", "TS-2"]);
    expect(t("泰山大街家家悦门口有人发传单")).toBe("TS-2");
    expect(t("医院门口车乱停")).toEqual(["DH-2", "LT-3", "RB-2"]);
  });
});

describe("near names: exact names win, a tie is a question, a direction is never edited away", () => {
  it("corrects by sound, and asks between two equally near names", () => {
    expect(t("冬环路振兴路口有个坑")).toEqual(expect.stringMatching(/^DH-[12]$/));
    expect(z("金江路府前街口垃圾桶满了")).toBe("JJ-1"); // 金/锦 sound alike; 长江路 is only one character off
    expect(t("文化街上垃圾没人扫")).toEqual(["WC-1", "WC-2", "WC-3", "WH-1", "WH-2"]);
    expect(t("建设南路有人摆摊")).toEqual(["JD-1", "JD-2", "JX-1", "JX-2"]);
  });
});

describe("distances: from a landmark along the road by coordinates, spoken numbers", () => {
  it("moves past the landmark's own segment, on into the road that continues it", () => {
    expect(t("一中南门往西一千米有一堆垃圾")).toBe("JX-2");
    expect(t("人民医院北院往南六百米井盖坏了")).toBe("RN-1");
    expect(t("从县政府往前走五百米有人卖菜")).toEqual(["JD-1", "JX-1"]);
  });

  it("reads spoken distances and ranges", () => {
    const m = (s: string) => readSpokenDistance(s)?.meters;
    expect([m("三四百米"), m("一里多地"), m("百来米"), m("3百米"), m("两百五十米"), m("一公里半")]).toEqual([
      350, 500, 100, 300, 250, 1500,
    ]);
    expect(m("一千二三百米")).toBe(1250);
    expect(t("泰山大街文昌街口往西两百五，有人摆摊")).toBe("TS-2");
  });
});

describe("spans (X到Y这段)", () => {
  it("resolves a span inside one segment and asks for one across two", () => {
    expect(t("振兴路光明街到槐荫街这一段有人卖菜")).toBe("ZX-1");
    expect(t("南环路光明街到人民南路这段全是车")).toEqual(["NH-1", "NH-2"]);
  });
});

describe("the extraction result carries the place", () => {
  it("sets the segment and confidence, or the choices with labels and the numbered question", async () => {
    const policy = new ExtractionPolicy({ roster: th, rules: thRules });
    const sure = await policy.extract({ text: "泰山大街鲁泰路口有个井盖没了", imageCount: 0 });
    expect(sure.placeSegmentId).toBe("TS-3");
    expect(sure.placeConfidence).toBeGreaterThan(0.8);
    expect(sure.placeChoices).toEqual([]);
    const unsure = await policy.extract({ text: "家家悦门口有人发传单", imageCount: 0 });
    expect(unsure.placeSegmentId).toBeNull();
    expect(unsure.placeConfidence).toBe(0);
    expect(unsure.placeChoices?.map((c) => c.label).sort()).toEqual([
      "建设东路（人民路至青龙路段）",
      "泰山大街（槐荫街至文昌街段）",
    ]);
    expect(unsure.placeQuestion).toMatch(/^您说的是哪一处？\n1\. .+\n2\. .+\n请回复序号。$/);
    // Today's question path: the candidates in words, with a precise example.
    expect(unsure.question).toContain("位置可能是：");
  });

  it("keeps the landmarks' coordinates from the roster file", () => {
    expect(th.landmarks.find((l) => l.name === "县政府")).toMatchObject({ lat: 36.114, lng: 117.1905 });
  });
});

describe("the place phrase as said", () => {
  it("ends where the place words end, so the problem text stays whole", () => {
    const raw = (text: string) => thRules.extractSync(text).location.raw;
    expect(raw("泰山大街光明街口往东一百米路中间有个井盖没了，很危险")).toBe("泰山大街光明街口往东一百米");
    expect(raw("泰山大街光明街口有人占道经营<script>")).toBe("泰山大街光明街口");
    expect(raw("泰山大街和光明街交叉口东北角垃圾桶满了")).toBe("泰山大街和光明街交叉口东北角");
  });
});
