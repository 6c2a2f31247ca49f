import { describe, expect, it } from "vitest";
import {
  type ActorRole,
  ALL_ACTOR_ROLES,
  ALL_COMMANDS,
  ALL_STATES,
  type CaseCommandType,
  transition,
} from "../../src/core/case-lifecycle.ts";
import type { CaseState } from "../../src/core/types.ts";

/**
 * The lifecycle as DESIGN.md §2–3 describe it, written as "in this state, these commands lead
 * there" (the opposite orientation of the implementation's per-command rules).
 * H = handling side (case chief/co-handler, superior chief, admin); I = inspector side (inspector, admin).
 */
const H: ActorRole[] = ["handler", "superior", "admin"];
const I: ActorRole[] = ["inspector", "admin"];
type Edge = { roles: ActorRole[]; to: CaseState };
const SPEC: Record<CaseState, Partial<Record<CaseCommandType, Edge>>> = {
  pending: {
    complete: { roles: ["system", "reporter", "inspector", "admin"], to: "dispatched" },
    void: { roles: I, to: "voided" },
  },
  dispatched: {
    acknowledge: { roles: H, to: "in_progress" },
    fix: { roles: H, to: "awaiting_check" },
    return: { roles: H, to: "returned" },
    request_extension: { roles: H, to: "dispatched" },
    whistle: { roles: H, to: "dispatched" },
    approve_extension: { roles: I, to: "dispatched" },
    reject_extension: { roles: I, to: "dispatched" },
    void: { roles: I, to: "voided" },
    reassign: { roles: I, to: "dispatched" },
    backlog: { roles: I, to: "backlogged" },
  },
  in_progress: {
    fix: { roles: H, to: "awaiting_check" },
    return: { roles: H, to: "returned" },
    request_extension: { roles: H, to: "in_progress" },
    whistle: { roles: H, to: "in_progress" },
    approve_extension: { roles: I, to: "in_progress" },
    reject_extension: { roles: I, to: "in_progress" },
    void: { roles: I, to: "voided" },
    reassign: { roles: I, to: "dispatched" },
    backlog: { roles: I, to: "backlogged" },
  },
  awaiting_check: {
    close: { roles: I, to: "closed" },
    rework: { roles: I, to: "in_progress" },
    void: { roles: I, to: "voided" },
  },
  returned: {
    reassign: { roles: I, to: "dispatched" },
    void: { roles: I, to: "voided" },
  },
  backlogged: {
    fix: { roles: H, to: "awaiting_check" },
    whistle: { roles: H, to: "backlogged" },
    void: { roles: I, to: "voided" },
  },
  closed: {},
  voided: {},
};

const rows = ALL_STATES.flatMap((state) =>
  ALL_COMMANDS.flatMap((command) => ALL_ACTOR_ROLES.map((role) => ({ state, command, role }))),
);

describe("case lifecycle: every (state, command, role)", () => {
  it("covers all combinations", () => {
    expect(rows.length).toBe(8 * 13 * 7);
  });

  it.each(rows)("$state + $command by $role", ({ state, command, role }) => {
    const edge = SPEC[state][command];
    const r = transition({ state, command, roles: [role], hasPendingExtension: true });
    if (edge?.roles.includes(role)) {
      expect(r).toMatchObject({ ok: true, from: state, to: edge.to, actorRole: role });
    } else {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason.length).toBeGreaterThan(5);
        const expected =
          state === "closed" || state === "voided" ? "terminal" : !edge ? undefined : "forbidden";
        if (expected) expect(r.code).toBe(expected);
        else expect(["forbidden", "wrong_state"]).toContain(r.code);
      }
    }
  });

  it("refuses approving an extension that nobody asked for", () => {
    const r = transition({
      state: "in_progress",
      command: "approve_extension",
      roles: ["inspector"],
      hasPendingExtension: false,
    });
    expect(r).toMatchObject({ ok: false, code: "no_pending_extension" });
  });

  it("accepts when any of several roles is allowed and records that role", () => {
    const r = transition({ state: "awaiting_check", command: "close", roles: ["reporter", "inspector"] });
    expect(r).toMatchObject({ ok: true, actorRole: "inspector", to: "closed" });
  });

  it("explains refusals in Chinese", () => {
    const r = transition({ state: "awaiting_check", command: "close", roles: ["handler"] });
    expect(r).toMatchObject({ ok: false, reason: "只有精细办督查员可以核查通过。" });
    const w = transition({ state: "awaiting_check", command: "acknowledge", roles: ["handler"] });
    expect(w).toMatchObject({
      ok: false,
      code: "wrong_state",
      reason: "该案件当前状态为「待核查」，不能签收。",
    });
  });
});
