/**
 * The deterministic location resolver (DESIGN.md §5), shared by both extractors: names through
 * aliases and typos, crossing + direction + distance with coordinates (and by order without),
 * landmarks, GPS to the nearest segment, and merging a reporter's answer.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  type LocationResolution,
  locationLabel,
  mergeLocationAnswer,
  nearestSegment,
  readSaidLocation,
  resolveLocation,
  type SaidLocation,
} from "../../src/core/location.ts";
import { NameTable } from "../../src/core/name-table.ts";
import { normalizePlaceText } from "../../src/core/place-names.ts";
import type { RosterIndex } from "../../src/core/roster-index.ts";
import { loadRosterForEval } from "../../src/extraction/eval-harness.ts";

let zm: RosterIndex;
let lx: RosterIndex;
beforeAll(async () => {
  ({ roster: zm } = await loadRosterForEval("src/data/roster-zhongmou.json"));
  ({ roster: lx } = await loadRosterForEval("eval/rosters/roster-luxi.json"));
});

const at = (roster: RosterIndex, said: Omit<SaidLocation, "raw">): string | null => {
  const r = resolveLocation(roster, { raw: "", ...said });
  return r.ok ? r.segment.id : null;
};
const why = (r: LocationResolution) => (r.ok ? "ok" : r.reason);

describe("names", () => {
  it("matches aliases, capital numerals, digits, traditional characters and one-character typos", () => {
    // As an LLM might write them: the resolver, not the model, maps them to the roster.
    expect(at(lx, { road: "金水大道", crossing: "经四路" })).toBe("JS-1");
    expect(at(lx, { road: "经叁路", crossing: "金水路" })).toBe("J3-1");
    expect(at(lx, { road: "经3路", crossing: "滨河路" })).toBe("J3-2");
    expect(at(lx, { road: "解方路", crossing: "经三路" })).toBe("JF-2");
    expect(at(zm, { road: "東風路", crossing: "民康路" })).toBe("DF-2");
    expect(at(zm, { road: "听候街", crossing: "恒安路" })).toBe("TH-1");
    expect(at(zm, { landmark: "人民医院" })).toBe("QN-2");
    expect(normalizePlaceText("经３路")).toBe("经三路");
    // Names copied with the words around them.
    expect(at(zm, { road: "商都大道", crossing: "民康路口" })).toBe("SD-2");
    expect(at(zm, { road: "商都大道上", crossing: "新圃街交叉口", direction: "往西" })).toBe("SD-1");
    expect(at(zm, { landmark: "县人民医院附近" })).toBe("QN-2");
  });

  it("accepts a typo only when exactly one name fits; a short name's suffix only as 路/街", () => {
    const t = new NameTable<string>();
    t.add("东风路", "a");
    t.add("东丰路", "b");
    t.add("人文路", "c");
    expect(t.match("东凤路")).toBeUndefined(); // 东风路 and 东丰路 both one character away
    expect(t.match("人闻路")).toEqual({ value: "c", typo: true });
    // 路 for 街 (光明路 for 光明街) when the roster has no 人文街; never another last character.
    expect(t.match("人文街")).toEqual({ value: "c", typo: true });
    expect(t.match("人文园")).toBeUndefined();
    expect(t.match("人文")).toBeUndefined();
  });
});

describe("crossing, direction and distance", () => {
  it("uses the crossings' order to pick the side of a boundary crossing", () => {
    expect(at(zm, { road: "商都大道", crossing: "新圃街", direction: "往东" })).toBe("SD-2");
    expect(at(zm, { road: "商都大道", crossing: "新圃街", direction: "以西" })).toBe("SD-1");
    expect(at(zm, { road: "商都大道", crossing: "民康路" })).toBe("SD-2"); // inside one segment
    // Listed east to west: 往东 goes towards earlier crossings.
    expect(at(lx, { road: "金水路", crossing: "经三路", direction: "往东" })).toBe("JS-1");
    expect(at(lx, { road: "金水路", crossing: "经三路", direction: "往西" })).toBe("JS-2");
    // Listed south to north.
    expect(at(lx, { road: "经二路", crossing: "金水路", direction: "往北" })).toBe("J2-2");
    expect(at(lx, { road: "经二路", crossing: "金水路", direction: "南侧" })).toBe("J2-1");
  });

  it("walks the distance along the road with the crossings' coordinates", () => {
    // 民康路 crosses 商都大道 inside SD-2; 700 m west passes 新圃街 (~640 m away).
    expect(at(zm, { road: "商都大道", crossing: "民康路", direction: "往西", distanceMeters: 300 })).toBe(
      "SD-2",
    );
    expect(at(zm, { road: "商都大道", crossing: "民康路", direction: "往西", distanceMeters: 700 })).toBe(
      "SD-1",
    );
    expect(at(zm, { road: "民康路", crossing: "青年路", direction: "往南", distanceMeters: 800 })).toBe(
      "MK-2",
    );
    // Past the last crossing the roster knows: the end segment.
    expect(at(zm, { road: "广惠街", crossing: "新圃街", direction: "往西", distanceMeters: 5000 })).toBe(
      "GH-1",
    );
  });

  it("falls back to the crossings' order on a road without coordinates", () => {
    expect(at(lx, { road: "经四路", crossing: "金水路", direction: "往南", distanceMeters: 100 })).toBe(
      "J4-2",
    );
    expect(at(lx, { road: "经四路", crossing: "金水路", direction: "往北", distanceMeters: 100 })).toBe(
      "J4-1",
    );
  });

  it("reads a direction across the road as a move onto the crossing road", () => {
    expect(at(zm, { road: "商都大道", crossing: "民康路", direction: "往南", distanceMeters: 100 })).toBe(
      "MK-1",
    );
    // A side word ("路北", "北侧") across the road does not move: it stays on the road.
    expect(at(zm, { road: "商都大道", crossing: "民康路", direction: "北侧" })).toBe("SD-2");
    // Corners point both ways: the component along the road picks the side.
    expect(at(zm, { road: "恒安路", crossing: "文明路", direction: "东北角" })).toBe("HA-3");
  });

  it("follows a diagonal road by its coordinates", () => {
    expect(at(lx, { road: "滨河路" })).toBe("BH-1");
    expect(at(lx, { road: "沿河路", crossing: "经四路", direction: "往东北", distanceMeters: 100 })).toBe(
      "BH-1",
    );
  });

  it("between two crossings: one segment, or ambiguous when the span covers several", () => {
    expect(at(zm, { road: "商都大道", crossing: "新圃街", crossing2: "文明路" })).toBe("SD-2");
    const r = resolveLocation(zm, { raw: "", road: "陇海路", crossing: "听篌街", crossing2: "民康路" });
    expect(r).toMatchObject({ ok: false, reason: "ambiguous", candidates: ["LH-1", "LH-2"] });
  });

  it("accepts the roads named the other way round, and a named crossing that is not a road", () => {
    expect(at(zm, { road: "民康路", crossing: "商都大道" })).toBe("MK-1");
    expect(at(lx, { road: "幸福巷", crossing: "解放路" })).toBe("JF-1");
    expect(at(lx, { road: "鼓楼街", crossing: "鼓楼", direction: "往东", distanceMeters: 50 })).toBe("GL-2");
  });

  it("says why it cannot pin a place", () => {
    expect(why(resolveLocation(zm, { raw: "" }))).toBe("no_place");
    expect(resolveLocation(zm, { raw: "", road: "商都大道" })).toMatchObject({
      ok: false,
      reason: "road_only",
      road: "商都大道",
    });
    expect(why(resolveLocation(zm, { raw: "", road: "商都大道", crossing: "经一路" }))).toBe(
      "unknown_crossing",
    );
    expect(why(resolveLocation(zm, { raw: "", road: "解放路" }))).toBe("unknown_road");
  });
});

describe("photo GPS", () => {
  it("finds the nearest segment, refuses far points and splits ties at crossings", () => {
    expect(nearestSegment(zm, { lat: 34.7301, lng: 113.9845 })).toMatchObject({ segment: { id: "SD-2" } });
    expect(nearestSegment(zm, { lat: 34.8, lng: 114.1 })).toBeNull();
    expect(nearestSegment(zm, { lat: 34.73, lng: 113.981 })).toEqual({ ambiguous: ["SD-2", "MK-1"] });
    expect(nearestSegment(zm, { lat: 34.73, lng: 113.981 }, "民康路")).toMatchObject({
      segment: { id: "MK-1" },
    });
  });

  it("places a report by GPS only when the text does not", () => {
    const gps = { lat: 34.703, lng: 113.9812 }; // on 民康路, MK-2
    expect(at(zm, { gps })).toBe("MK-2");
    expect(at(zm, { road: "恒安路", crossing: "泰安街", gps })).toBe("HA-3");
    expect(at(zm, { road: "民康路", gps })).toBe("MK-2"); // road only + GPS on it
  });
});

describe("the reporter's answer", () => {
  it("completes the earlier place", () => {
    const roadOnly: SaidLocation = { raw: "恒安路", road: "恒安路" };
    const merged = mergeLocationAnswer(zm, roadOnly, {
      raw: "文明路口往东100米",
      road: "文明路",
      direction: "往东",
      distanceMeters: 100,
    });
    expect(merged).toMatchObject({
      road: "恒安路",
      crossing: "文明路",
      direction: "往东",
      distanceMeters: 100,
    });
    expect(resolveLocation(zm, merged)).toMatchObject({ ok: true, segment: { id: "HA-3" } });
    // A full new place replaces the old one.
    const full = { raw: "商都大道民康路口", road: "商都大道", crossing: "民康路" };
    expect(mergeLocationAnswer(zm, roadOnly, full)).toEqual(full);
    // A bare direction adds to it.
    const withCrossing: SaidLocation = { raw: "商都大道新圃街口", road: "商都大道", crossing: "新圃街" };
    expect(mergeLocationAnswer(zm, withCrossing, { raw: "往西", direction: "往西" })).toMatchObject({
      crossing: "新圃街",
      direction: "往西",
    });
  });
});

describe("the stored location column", () => {
  it("reads the extractor's JSON, plain text from older rows, and broken JSON without throwing", () => {
    expect(readSaidLocation(JSON.stringify({ road: "青年路", raw: "青年路医院门口" }))).toEqual({
      road: "青年路",
      raw: "青年路医院门口",
    });
    expect(readSaidLocation("县医院东门外")).toEqual({ raw: "县医院东门外" });
    expect(readSaidLocation("{不是JSON")).toEqual({ raw: "{不是JSON" });
    expect(locationLabel(JSON.stringify({ road: "青年路", crossing: "文明路", raw: "" }))).toBe(
      "青年路 文明路",
    );
    expect(locationLabel("")).toBe("");
  });
});
