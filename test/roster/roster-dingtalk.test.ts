/** The 钉钉ID column: read from JSON rosters, checked like the other ids, and looked up by the index. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RosterIndex } from "../../src/core/roster-index.ts";
import { loadRosterFile } from "../../src/roster/roster-load.ts";
import { demoRoster, taxonomyCodes } from "./roster-fixtures.ts";

describe("roster 钉钉ID", () => {
  it("indexes people by their DingTalk userid", async () => {
    const demo = await demoRoster();
    const dir = process.env.TMPDIR ?? "/tmp";
    const file = join(dir, `roster-dt-${process.pid}.json`);
    await writeFile(file, JSON.stringify(demo));
    const loaded = await loadRosterFile(file, await taxonomyCodes());
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems.slice(0, 2)));
    const index = new RosterIndex({
      people: loaded.roster.people,
      roads: [],
      segments: [],
      landmarks: [],
      departments: [],
    });
    expect(index.personByDingtalk("zm0006")?.name).toBe("黄卫东");
    expect(index.personByDingtalk("nobody")).toBeUndefined();
  });

  it("refuses one person with two different 钉钉IDs", async () => {
    const demo = await demoRoster();
    const seg = demo.roads[0]?.segments[1];
    if (!seg) throw new Error("demo roster changed");
    seg.chiefs.level2 = { ...seg.chiefs.level2, dingtalk_id: "someone-else" };
    const file = join(process.env.TMPDIR ?? "/tmp", `roster-dt-bad-${process.pid}.json`);
    await writeFile(file, JSON.stringify(demo));
    const loaded = await loadRosterFile(file, await taxonomyCodes());
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problems.map((p) => p.message).join("\n")).toMatch(
      /“赵伟”的钉钉ID不一致：此处为“zm0003”，.*为“someone-else”/,
    );
  });
});
