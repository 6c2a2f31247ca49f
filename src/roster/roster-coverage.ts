/**
 * What a roster file speaks for. A file without an inspectors (督查员), admins (管理员) or
 * departments sheet says nothing about those people: importing it must not take their roles away (a
 * CSV of segments alone once removed every inspector and admin, and nobody could sign in). Chief
 * roles follow the segments, which every roster has.
 */
import type { PersonRole } from "../core/types.ts";
import type { Roster } from "./roster-schema.ts";

export interface RosterCoverage {
  departments: boolean;
  inspectors: boolean;
  admins: boolean;
}

/** Which sections a parsed file has (a missing section is null or undefined). */
export function coverageOf(file: {
  departments?: unknown;
  inspectors?: unknown;
  admins?: unknown;
}): RosterCoverage {
  return {
    departments: file.departments != null,
    inspectors: file.inspectors != null,
    admins: file.admins != null,
  };
}

/** Whether the roster decides `role` (else a person keeps or lacks it as before). */
export function covers(roster: Pick<Roster, "covers">, role: PersonRole): boolean {
  const c = roster.covers;
  if (role === "department") return c.departments;
  if (role === "inspector") return c.inspectors;
  if (role === "admin") return c.admins;
  return true;
}

/** A person's roles after the import: what the file says, plus the roles it does not speak for. */
export function mergedRoles(
  roster: Pick<Roster, "covers">,
  fromFile: readonly PersonRole[],
  before: readonly PersonRole[],
): Set<PersonRole> {
  const roles = new Set(fromFile.filter((r) => covers(roster, r)));
  for (const r of before) if (!covers(roster, r)) roles.add(r);
  return roles;
}

/** Thrown (and nothing written) when an import would leave nobody able to sign in to the console. */
export class RosterLockoutError extends Error {
  readonly code = "ROSTER_NO_INSPECTOR";
  constructor() {
    super(
      "名册导入后将没有任何督查员或管理员，谁都无法登录后台，因此未导入（数据库未改动）。请在名册中加上“督查员”或“管理员”工作表",
    );
  }
}
