/**
 * The roster (路长名册) file format `luzhang-roster/v1` and its normalized form.
 *
 * `RosterFileSchema` validates the JSON file as written by people (snake_case, people repeated
 * wherever they serve). `buildRoster` turns a checked file into a `Roster`: one `Person` per real
 * person with stable ids and the union of their roles, roads with numbered crossings, and
 * references by id. Spreadsheets (roster-spreadsheet.ts) are first turned into the same
 * `RosterFile` shape, so both go through the same checks (roster-validate.ts) and normalization.
 */

import { z } from "zod";
import type { Person, PersonRole } from "../core/types.ts";
import { coverageOf, type RosterCoverage } from "./roster-coverage.ts";

export const ROSTER_FORMAT = "luzhang-roster/v1";

// ---------------------------------------------------------------------------------------------
// Problems
// ---------------------------------------------------------------------------------------------

/** One problem found in a roster file. `message` is Chinese and names the place it refers to. */
export interface RosterProblem {
  file?: string;
  sheet?: string;
  /** 1-based row of the spreadsheet (header = row 1), or the line of a JSON syntax error. */
  row?: number;
  /** Column header as written in the spreadsheet. */
  column?: string;
  /** Path inside the JSON file, e.g. `roads[0].segments[1].street`. */
  path?: string;
  message: string;
  /** Absent means "error". Warnings are shown but do not stop the import. */
  severity?: "error" | "warning";
}

export type PathSegment = string | number;
export type RosterPath = readonly PathSegment[];

/** `["roads", 0, "segments", 1, "street"]` → `roads[0].segments[1].street`. */
export function formatPath(path: RosterPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

export function isError(p: RosterProblem): boolean {
  return p.severity !== "warning";
}

/** Maps a path of the `RosterFile` to where it came from in the file that was read. */
export interface ProblemLocator {
  /** Location fields of a problem at `path` (file, sheet, row, column and/or path). */
  at(path: RosterPath): Omit<RosterProblem, "message" | "severity">;
  /** Prefix of a message about `path`, e.g. `第 5 行「街道」列` or `roads[0].segments[1].street`. */
  label(path: RosterPath): string;
  /** Short mention of another place inside a message, e.g. `第 2 行` or `「督查员」表第 3 行`. */
  ref(path: RosterPath, from: RosterPath): string;
}

/** The locator of a JSON file: problems carry the JSON path. */
export function jsonLocator(file?: string): ProblemLocator {
  return {
    at: (path) => ({ ...(file ? { file } : {}), ...(path.length > 0 ? { path: formatPath(path) } : {}) }),
    label: (path) => formatPath(path),
    ref: (path) => formatPath(path),
  };
}

// ---------------------------------------------------------------------------------------------
// File schema (luzhang-roster/v1)
// ---------------------------------------------------------------------------------------------

const requiredText = (what: string) =>
  z
    .string({ error: `${what}应为文字` })
    .transform((s) => s.trim())
    .pipe(z.string().min(1, `${what}不能为空`));

const optionalText = (what: string) =>
  z
    .string({ error: `${what}应为文字` })
    .nullish()
    .transform((s) => (s == null ? undefined : s.trim() === "" ? undefined : s.trim()));

/** Phones may be written as numbers by tools; they are kept as text. */
const phoneText = z
  .union([z.string(), z.number()], { error: "电话应为文字" })
  .nullish()
  .transform((v) => (v == null ? undefined : normalizePhone(String(v)) || undefined));

const nameList = (what: string) =>
  z
    .array(z.string({ error: `${what}应为文字` }), { error: `${what}应为文字列表` })
    .nullish()
    .transform((list) => uniq((list ?? []).map((s) => s.trim()).filter((s) => s !== "")));

export const RosterPersonSchema = z.strictObject({
  name: requiredText("姓名").transform(normalizeName),
  title: optionalText("职务"),
  phone: phoneText,
  lark_open_id: optionalText("飞书ID"),
  wechat_id: optionalText("微信ID"),
  dingtalk_id: optionalText("钉钉ID"),
});

export const RosterCrossingSchema = z.strictObject({
  name: requiredText("路口名称"),
  lat: z
    .number({ error: "纬度应为数字" })
    .min(-90, "纬度应在 -90 到 90 之间（是否与经度填反？）")
    .max(90, "纬度应在 -90 到 90 之间（是否与经度填反？）")
    .nullish(),
  lng: z
    .number({ error: "经度应为数字" })
    .min(-180, "经度应在 -180 到 180 之间")
    .max(180, "经度应在 -180 到 180 之间")
    .nullish(),
});

export const RosterSegmentSchema = z.strictObject({
  id: z
    .union([z.string(), z.number()], { error: "路段编号应为文字" })
    .transform((v) => String(v).trim())
    .pipe(z.string().min(1, "路段编号不能为空")),
  from: requiredText("起点"),
  to: requiredText("终点"),
  street: requiredText("街道"),
  chiefs: z
    .strictObject({
      level3: RosterPersonSchema.nullish(),
      level2: RosterPersonSchema.nullish(),
    })
    .nullish(),
});

export const RosterRoadSchema = z.strictObject({
  name: requiredText("道路名称"),
  aliases: nameList("道路别名"),
  direction: optionalText("走向"),
  crossings_order: optionalText("路口顺序"),
  level1: RosterPersonSchema.nullish(),
  crossings: z.array(RosterCrossingSchema, { error: "crossings 应为路口列表" }).nullish(),
  segments: z.array(RosterSegmentSchema, { error: "segments 应为路段列表" }),
});

export const RosterLandmarkSchema = z.strictObject({
  name: requiredText("地标名称"),
  aliases: nameList("地标别名"),
  road: requiredText("地标所在道路"),
  /** Optional position of the landmark (same datum as the crossings), for distances from it. */
  lat: RosterCrossingSchema.shape.lat,
  lng: RosterCrossingSchema.shape.lng,
  segment: z
    .union([z.string(), z.number()], { error: "路段编号应为文字" })
    .transform((v) => String(v).trim())
    .pipe(z.string().min(1, "地标的路段编号不能为空")),
});

export const RosterDepartmentSchema = z.strictObject({
  code: requiredText("部门代码"),
  name: requiredText("部门名称"),
  handles: z
    .array(z.union([z.string(), z.number()]), { error: "handles 应为事项代码列表" })
    .nullish()
    .transform((list) => uniq((list ?? []).map((c) => normalizeItemCode(String(c))).filter((c) => c !== ""))),
  /** People summoned when the department is whistled (吹哨). */
  contacts: z.array(RosterPersonSchema).nullish(),
});

export const RosterFileSchema = z.strictObject({
  format: z.literal(ROSTER_FORMAT, { error: `format 应为 "${ROSTER_FORMAT}"` }),
  county: optionalText("县区"),
  streets: nameList("街道"),
  departments: z.array(RosterDepartmentSchema).nullish(),
  roads: z.array(RosterRoadSchema, { error: "roads 应为道路列表" }),
  landmarks: z.array(RosterLandmarkSchema).nullish(),
  inspectors: z.array(RosterPersonSchema).nullish(),
  admins: z.array(RosterPersonSchema).nullish(),
});

/** A roster file as parsed (trimmed, phones normalized), before cross-checks. */
export type RosterFile = z.output<typeof RosterFileSchema>;
export type RosterFilePerson = z.output<typeof RosterPersonSchema>;
export type RosterFileRoad = z.output<typeof RosterRoadSchema>;
export type RosterFileSegment = z.output<typeof RosterSegmentSchema>;
export type RosterFileDepartment = z.output<typeof RosterDepartmentSchema>;
export type RosterFileLandmark = z.output<typeof RosterLandmarkSchema>;

/** Checks `data` (already JSON-decoded) against the schema; problems are placed by `locator`. */
export function parseRosterFile(
  data: unknown,
  locator: ProblemLocator = jsonLocator(),
): { ok: true; value: RosterFile } | { ok: false; problems: RosterProblem[] } {
  const result = RosterFileSchema.safeParse(data, { error: zodChineseError });
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue): RosterProblem => {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== "symbol");
    const label = path.length > 0 ? locator.label(path) : "";
    return { ...locator.at(path), message: label ? `${label}：${issue.message}` : issue.message };
  });
  return { ok: false, problems };
}

/** Chinese fallback messages for zod issues that have no message of their own. */
function zodChineseError(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "缺少必填项" : `类型不对，应为 ${typeName(issue.expected)}`;
    case "unrecognized_keys":
      return `未知字段 ${issue.keys.map((k) => `“${k}”`).join("、")}`;
    case "invalid_value":
      return `取值不对，应为 ${issue.values.map((v) => JSON.stringify(v)).join("、")} 之一`;
    case "too_small":
      return "内容太少";
    default:
      return undefined;
  }
}

function typeName(expected: string): string {
  const names: Record<string, string> = {
    string: "文字",
    number: "数字",
    array: "列表",
    object: "对象",
    boolean: "是/否",
  };
  return names[expected] ?? expected;
}

// ---------------------------------------------------------------------------------------------
// Normalized roster
// ---------------------------------------------------------------------------------------------

export interface RosterCrossing {
  name: string;
  /** Position along the road in `crossingsOrder`, from 0. */
  seq: number;
  lat: number | null;
  lng: number | null;
}

export interface RosterSegment {
  id: string;
  roadName: string;
  from: string;
  to: string;
  street: string;
  level3ChiefId: string | null;
  level2ChiefId: string | null;
}

export interface RosterRoad {
  name: string;
  aliases: string[];
  direction: string;
  crossingsOrder: string;
  level1ChiefId: string | null;
  crossings: RosterCrossing[];
  segments: RosterSegment[];
}

export interface RosterDepartment {
  code: string;
  name: string;
  handles: string[];
  /** Person ids of the contacts summoned by a whistle (吹哨). */
  contactIds: string[];
}

export interface RosterLandmark {
  name: string;
  aliases: string[];
  roadName: string;
  segmentId: string;
  lat: number | null;
  lng: number | null;
}

/** The normalized roster: every person once, everything else refers to people by id. */
export interface Roster {
  format: typeof ROSTER_FORMAT;
  county: string;
  streets: string[];
  people: Person[];
  departments: RosterDepartment[];
  roads: RosterRoad[];
  landmarks: RosterLandmark[];
  inspectorIds: string[];
  adminIds: string[];
  /** Which sections the file had: roles of a section it lacks are left as they are. */
  covers: RosterCoverage;
}

export const ROLE_ORDER: readonly PersonRole[] = [
  "chief1",
  "chief2",
  "chief3",
  "department",
  "inspector",
  "admin",
];

// ---------------------------------------------------------------------------------------------
// People: stable ids and merging
// ---------------------------------------------------------------------------------------------

/** Removes spaces, dashes, brackets and a +86 prefix; full-width digits become ASCII. */
export function normalizePhone(raw: string): string {
  let s = raw.normalize("NFKC").replace(/[\s\-–—()（）.]/g, "");
  if (/^\+?86\d{11}$/.test(s)) s = s.slice(s.length - 11);
  return s;
}

/** Trims; removes the spaces people put inside two-character Chinese names to align them. */
export function normalizeName(raw: string): string {
  const s = raw.trim().replace(/\u3000/g, " ");
  return /^[\p{Script=Han}·•\s]+$/u.test(s) ? s.replace(/\s+/g, "") : s.replace(/\s+/g, " ");
}

/** Item codes written as numbers lose their leading zero in spreadsheets: 6010 → 06010. */
export function normalizeItemCode(raw: string): string {
  const s = raw.normalize("NFKC").trim();
  return /^\d{1,4}$/.test(s) ? s.padStart(5, "0") : s;
}

/** The stable id of a person: from phone, else Lark open id, else WeChat id, else DingTalk id, else name. */
export function personId(p: {
  name: string;
  phone?: string;
  lark_open_id?: string;
  wechat_id?: string;
  dingtalk_id?: string;
}): string {
  const key = p.phone || p.lark_open_id || p.wechat_id || p.dingtalk_id || p.name;
  return `p_${key}`;
}

/** A place in a roster file where a person is named, with the role it gives. */
export interface PersonRef {
  path: RosterPath;
  person: RosterFilePerson;
  role: PersonRole;
}

/** Every person mention, in file order: roads (一级, then per segment 三级, 二级), departments, inspectors, admins. */
export function collectPersonRefs(file: RosterFile): PersonRef[] {
  const refs: PersonRef[] = [];
  file.roads.forEach((road, r) => {
    if (road.level1) refs.push({ path: ["roads", r, "level1"], person: road.level1, role: "chief1" });
    road.segments.forEach((seg, s) => {
      const base = ["roads", r, "segments", s, "chiefs"];
      if (seg.chiefs?.level3)
        refs.push({ path: [...base, "level3"], person: seg.chiefs.level3, role: "chief3" });
      if (seg.chiefs?.level2)
        refs.push({ path: [...base, "level2"], person: seg.chiefs.level2, role: "chief2" });
    });
  });
  (file.departments ?? []).forEach((dep, d) => {
    (dep.contacts ?? []).forEach((p, c) => {
      refs.push({ path: ["departments", d, "contacts", c], person: p, role: "department" });
    });
  });
  (file.inspectors ?? []).forEach((p, i) => {
    refs.push({ path: ["inspectors", i], person: p, role: "inspector" });
  });
  (file.admins ?? []).forEach((p, i) => {
    refs.push({ path: ["admins", i], person: p, role: "admin" });
  });
  return refs;
}

/** People found in a file: each group is one person, `refs` in file order. */
export interface PersonGroup {
  id: string;
  refs: PersonRef[];
}

export interface PersonGrouping {
  groups: PersonGroup[];
  /** Index of a ref (in the `refs` argument) → its group. */
  groupOf: Map<PersonRef, PersonGroup>;
  /** Name-only mentions that match several different people. */
  ambiguous: { ref: PersonRef; candidates: PersonGroup[] }[];
}

/**
 * Groups mentions into people. Mentions sharing a phone, Lark, WeChat or DingTalk id are one person. A
 * mention with a name only joins the one identified person of that name (people often give the
 * phone once); with no such person it joins other name-only mentions of that name.
 */
export function groupPeople(refs: readonly PersonRef[]): PersonGrouping {
  const parent = refs.map((_, i) => i);
  const find = (i: number): number => {
    let x = i;
    while (parent[x] !== x) x = parent[x] ?? x;
    let y = i;
    while (parent[y] !== x) {
      const next = parent[y] ?? x;
      parent[y] = x;
      y = next;
    }
    return x;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  const byKey = new Map<string, number>();
  const nameOnly: number[] = [];
  refs.forEach((ref, i) => {
    const keys = identifierKeys(ref.person);
    if (keys.length === 0) nameOnly.push(i);
    for (const key of keys) {
      const first = byKey.get(key);
      if (first === undefined) byKey.set(key, i);
      else union(first, i);
    }
  });

  // Identified people by name, after the identifier unions.
  const rootsByName = new Map<string, Set<number>>();
  refs.forEach((ref, i) => {
    if (identifierKeys(ref.person).length === 0) return;
    const set = rootsByName.get(ref.person.name) ?? new Set<number>();
    set.add(find(i));
    rootsByName.set(ref.person.name, set);
  });
  const ambiguousIdx: { i: number; roots: number[] }[] = [];
  const nameOnlyFirst = new Map<string, number>();
  for (const i of nameOnly) {
    const ref = refs[i];
    if (!ref) continue;
    const roots = [...(rootsByName.get(ref.person.name) ?? [])];
    const only = roots[0];
    if (roots.length === 1 && only !== undefined) {
      union(only, i);
    } else {
      if (roots.length > 1) ambiguousIdx.push({ i, roots });
      const first = nameOnlyFirst.get(ref.person.name);
      if (first === undefined) nameOnlyFirst.set(ref.person.name, i);
      else union(first, i);
    }
  }

  const groupsByRoot = new Map<number, PersonRef[]>();
  refs.forEach((ref, i) => {
    const root = find(i);
    const list = groupsByRoot.get(root) ?? [];
    list.push(ref);
    groupsByRoot.set(root, list);
  });
  const groups: PersonGroup[] = [];
  const groupOf = new Map<PersonRef, PersonGroup>();
  const groupByRoot = new Map<number, PersonGroup>();
  // Groups ordered by their first mention.
  const roots = [...groupsByRoot.keys()].sort((a, b) => a - b);
  for (const root of roots) {
    const members = groupsByRoot.get(root) ?? [];
    const group: PersonGroup = { id: groupId(members), refs: members };
    groups.push(group);
    groupByRoot.set(root, group);
    for (const ref of members) groupOf.set(ref, group);
  }
  const ambiguous = ambiguousIdx.flatMap(({ i, roots: rs }) => {
    const ref = refs[i];
    if (!ref) return [];
    const candidates = rs
      .map((r) => groupByRoot.get(find(r)))
      .filter((g): g is PersonGroup => g !== undefined);
    return [{ ref, candidates }];
  });
  return { groups, groupOf, ambiguous };
}

function identifierKeys(p: RosterFilePerson): string[] {
  const keys: string[] = [];
  if (p.phone) keys.push(`phone:${p.phone}`);
  if (p.lark_open_id) keys.push(`lark:${p.lark_open_id}`);
  if (p.wechat_id) keys.push(`wechat:${p.wechat_id}`);
  if (p.dingtalk_id) keys.push(`dingtalk:${p.dingtalk_id}`);
  return keys;
}

function firstOf(
  refs: readonly PersonRef[],
  pick: (p: RosterFilePerson) => string | undefined,
): string | undefined {
  for (const ref of refs) {
    const v = pick(ref.person);
    if (v) return v;
  }
  return undefined;
}

function groupId(refs: readonly PersonRef[]): string {
  const name = refs[0]?.person.name ?? "";
  return personId({
    name,
    phone: firstOf(refs, (p) => p.phone),
    lark_open_id: firstOf(refs, (p) => p.lark_open_id),
    wechat_id: firstOf(refs, (p) => p.wechat_id),
    dingtalk_id: firstOf(refs, (p) => p.dingtalk_id),
  });
}

function groupPerson(group: PersonGroup): Person {
  const roles = new Set(group.refs.map((r) => r.role));
  return {
    id: group.id,
    name: group.refs[0]?.person.name ?? "",
    title: firstOf(group.refs, (p) => p.title) ?? "",
    phone: firstOf(group.refs, (p) => p.phone) ?? "",
    larkOpenId: firstOf(group.refs, (p) => p.lark_open_id) ?? null,
    wechatId: firstOf(group.refs, (p) => p.wechat_id) ?? null,
    dingtalkId: firstOf(group.refs, (p) => p.dingtalk_id) ?? null,
    roles: ROLE_ORDER.filter((r) => roles.has(r)),
  };
}

// ---------------------------------------------------------------------------------------------
// Normalization
// ---------------------------------------------------------------------------------------------

/**
 * Builds the normalized roster. Call it on a file that passed `validateRosterFile`; on an
 * unchecked file conflicting details are resolved by "first mention wins".
 */
export function buildRoster(file: RosterFile): Roster {
  const refs = collectPersonRefs(file);
  const { groups, groupOf } = groupPeople(refs);
  const refAt = new Map<string, PersonRef>(refs.map((r) => [formatPath(r.path), r]));
  const idAt = (path: RosterPath): string | null => {
    const ref = refAt.get(formatPath(path));
    return ref ? (groupOf.get(ref)?.id ?? null) : null;
  };

  const roads: RosterRoad[] = file.roads.map((road, r) => {
    const crossings: RosterCrossing[] = [];
    const addCrossing = (name: string, lat?: number | null, lng?: number | null) => {
      if (crossings.some((c) => c.name === name)) return;
      crossings.push({ name, seq: crossings.length, lat: lat ?? null, lng: lng ?? null });
    };
    for (const c of road.crossings ?? []) addCrossing(c.name, c.lat, c.lng);
    // A file without crossings: they follow the segments' from/to in order.
    for (const seg of road.segments) {
      addCrossing(seg.from);
      addCrossing(seg.to);
    }
    return {
      name: road.name,
      aliases: road.aliases,
      direction: road.direction ?? "",
      crossingsOrder: road.crossings_order ?? "",
      level1ChiefId: idAt(["roads", r, "level1"]),
      crossings,
      segments: road.segments.map((seg, s) => ({
        id: seg.id,
        roadName: road.name,
        from: seg.from,
        to: seg.to,
        street: seg.street,
        level3ChiefId: idAt(["roads", r, "segments", s, "chiefs", "level3"]),
        level2ChiefId: idAt(["roads", r, "segments", s, "chiefs", "level2"]),
      })),
    };
  });

  const departments: RosterDepartment[] = (file.departments ?? []).map((dep, d) => ({
    code: dep.code,
    name: dep.name,
    handles: dep.handles,
    contactIds: uniq(
      (dep.contacts ?? []).map((_, c) => idAt(["departments", d, "contacts", c])).filter(isString),
    ),
  }));

  return {
    format: ROSTER_FORMAT,
    county: file.county ?? "",
    streets: file.streets,
    people: groups.map(groupPerson),
    departments,
    roads,
    landmarks: (file.landmarks ?? []).map((l) => ({
      name: l.name,
      aliases: l.aliases,
      roadName: l.road,
      segmentId: l.segment,
      lat: l.lat ?? null,
      lng: l.lng ?? null,
    })),
    inspectorIds: uniq((file.inspectors ?? []).map((_, i) => idAt(["inspectors", i])).filter(isString)),
    adminIds: uniq((file.admins ?? []).map((_, i) => idAt(["admins", i])).filter(isString)),
    covers: coverageOf(file),
  };
}

function isString(v: string | null): v is string {
  return v !== null;
}

export function uniq<T>(list: readonly T[]): T[] {
  return [...new Set(list)];
}
