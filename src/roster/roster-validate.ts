/**
 * Cross-checks of a roster file (after the schema): references between roads, crossings,
 * segments, streets, landmarks, departments and people. Problems name the exact place through a
 * `ProblemLocator`: a JSON path for .json files, sheet/row/column for spreadsheets.
 */
import {
  collectPersonRefs,
  groupPeople,
  jsonLocator,
  type PersonRef,
  type ProblemLocator,
  type RosterFile,
  type RosterFilePerson,
  type RosterPath,
  type RosterProblem,
} from "./roster-schema.ts";

export { jsonLocator, type ProblemLocator };

export interface ValidateOptions {
  /** Item codes of the taxonomy; departments' `handles` are checked against them when given. */
  taxonomyCodes?: ReadonlySet<string>;
  locator?: ProblemLocator;
}

export function validateRosterFile(file: RosterFile, options: ValidateOptions = {}): RosterProblem[] {
  const loc = options.locator ?? jsonLocator();
  const problems: RosterProblem[] = [];
  const report = (path: RosterPath, detail: string, severity: "error" | "warning" = "error") => {
    const label = loc.label(path);
    problems.push({
      ...loc.at(path),
      message: label ? `${label}：${detail}` : detail,
      ...(severity === "warning" ? { severity } : {}),
    });
  };

  // Streets.
  const streets = new Set(file.streets);
  const streetList = file.streets.join("、");

  // Roads, crossings, segments.
  const roadAt = new Map<string, number>();
  const segmentAt = new Map<string, { road: number; seg: number }>();
  file.roads.forEach((road, r) => {
    const first = roadAt.get(road.name);
    if (first !== undefined) {
      report(
        ["roads", r, "name"],
        `道路“${road.name}”重复（${loc.ref(["roads", first, "name"], ["roads", r, "name"])}已有）`,
      );
    } else {
      roadAt.set(road.name, r);
    }

    const crossingAt = new Map<string, number>();
    (road.crossings ?? []).forEach((c, i) => {
      const firstC = crossingAt.get(c.name);
      const path = ["roads", r, "crossings", i, "name"];
      if (firstC !== undefined) {
        report(
          path,
          `道路“${road.name}”的路口“${c.name}”重复（${loc.ref(["roads", r, "crossings", firstC, "name"], path)}已有）`,
        );
      } else {
        crossingAt.set(c.name, i);
      }
    });
    const checkCrossings = crossingAt.size > 0;
    const crossingList = [...crossingAt.keys()].join("、");

    road.segments.forEach((seg, s) => {
      const base = ["roads", r, "segments", s];
      const firstSeg = segmentAt.get(seg.id);
      if (firstSeg !== undefined) {
        const other = ["roads", firstSeg.road, "segments", firstSeg.seg, "id"];
        report([...base, "id"], `路段编号“${seg.id}”重复：${loc.ref(other, [...base, "id"])}已使用该编号`);
      } else {
        segmentAt.set(seg.id, { road: r, seg: s });
      }
      if (checkCrossings) {
        for (const end of ["from", "to"] as const) {
          const name = seg[end];
          if (!crossingAt.has(name)) {
            report(
              [...base, end],
              `${end === "from" ? "起点" : "终点"}“${name}”不是道路“${road.name}”的路口，应为 ${crossingList} 之一`,
            );
          }
        }
      }
      if (seg.from === seg.to) report([...base, "to"], `起点和终点相同（“${seg.from}”）`);
      if (!streets.has(seg.street)) {
        report(
          [...base, "street"],
          streets.size > 0
            ? `未知街道“${seg.street}”，应为 ${streetList} 之一`
            : `未知街道“${seg.street}”（名册没有列出街道）`,
        );
      }
      if (!seg.chiefs?.level3) report(base, `路段“${seg.id}”没有三级路长`, "warning");
    });
  });

  // Road aliases that are another road's name confuse location matching.
  file.roads.forEach((road, r) => {
    road.aliases.forEach((alias, a) => {
      if (alias !== road.name && roadAt.has(alias)) {
        report(["roads", r, "aliases", a], `道路别名“${alias}”与另一条道路同名`, "warning");
      }
    });
  });

  // Landmarks.
  const landmarkAt = new Map<string, number>();
  (file.landmarks ?? []).forEach((l, i) => {
    const base = ["landmarks", i];
    const first = landmarkAt.get(l.name);
    if (first !== undefined) {
      report(
        [...base, "name"],
        `地标“${l.name}”重复（${loc.ref(["landmarks", first, "name"], [...base, "name"])}已有）`,
      );
    } else {
      landmarkAt.set(l.name, i);
    }
    const roadIndex = roadAt.get(l.road);
    if (roadIndex === undefined) {
      report([...base, "road"], `未知道路“${l.road}”`);
    }
    const seg = segmentAt.get(l.segment);
    if (!seg) {
      report([...base, "segment"], `未知路段编号“${l.segment}”`);
    } else if (roadIndex !== undefined && seg.road !== roadIndex) {
      const actual = file.roads[seg.road]?.name ?? "";
      report([...base, "segment"], `路段“${l.segment}”属于道路“${actual}”，不属于“${l.road}”`);
    }
  });

  // Departments.
  const departmentAt = new Map<string, number>();
  (file.departments ?? []).forEach((dep, d) => {
    const first = departmentAt.get(dep.code);
    if (first !== undefined) {
      report(
        ["departments", d, "code"],
        `部门代码“${dep.code}”重复（${loc.ref(["departments", first, "code"], ["departments", d, "code"])}已有）`,
      );
    } else {
      departmentAt.set(dep.code, d);
    }
    const codes = options.taxonomyCodes;
    if (codes && codes.size > 0) {
      const unknown = dep.handles.filter((c) => !codes.has(c));
      if (unknown.length > 0) {
        report(
          ["departments", d, "handles"],
          `部门“${dep.name}”负责的事项代码 ${unknown.join("、")} 不在事项分类表中，请核对`,
          "warning",
        );
      }
    }
  });

  problems.push(...validatePeople(file, loc));
  return problems;
}

const FIELD_NAMES = {
  phone: "电话",
  lark_open_id: "飞书ID",
  wechat_id: "微信ID",
  dingtalk_id: "钉钉ID",
} as const;
type IdField = keyof typeof FIELD_NAMES;
const ID_FIELDS: readonly IdField[] = ["phone", "lark_open_id", "wechat_id", "dingtalk_id"];

/** One person, one name and one of each identifier. */
function validatePeople(file: RosterFile, loc: ProblemLocator): RosterProblem[] {
  const problems: RosterProblem[] = [];
  const report = (path: RosterPath, detail: string) => {
    problems.push({ ...loc.at(path), message: `${loc.label(path)}：${detail}` });
  };
  const refs = collectPersonRefs(file);
  const { groups, ambiguous } = groupPeople(refs);

  for (const group of groups) {
    const first = group.refs[0];
    if (!first) continue;
    // Names: mentions linked by a phone (or chat id) must carry the same name.
    const misnamed = new Set<PersonRef>();
    for (const ref of group.refs) {
      if (ref.person.name === first.person.name) continue;
      misnamed.add(ref);
      const namePath = [...ref.path, "name"];
      const earlier = group.refs.find(
        (q) => q.person.name !== ref.person.name && sharedField(q.person, ref.person),
      );
      const other = earlier ?? first;
      const field = sharedField(other.person, ref.person);
      const how = field
        ? `${FIELD_NAMES[field]}“${other.person[field]}”`
        : "同一人的电话/飞书ID/微信ID/钉钉ID";
      report(
        namePath,
        `${how}在${loc.ref(other.path, namePath)}登记为“${other.person.name}”，此处姓名为“${ref.person.name}”`,
      );
    }
    // Identifiers: one person has one phone, one Lark id, one WeChat id. (A mention already
    // reported under another name is most likely a different person: no second report.)
    for (const field of ID_FIELDS) {
      const firstWith = group.refs.find((q) => q.person[field] && !misnamed.has(q));
      const value = firstWith?.person[field];
      if (!firstWith || !value) continue;
      for (const ref of group.refs) {
        if (misnamed.has(ref)) continue;
        const mine = ref.person[field];
        if (!mine || mine === value) continue;
        const path = [...ref.path, field];
        report(
          path,
          `“${ref.person.name}”的${FIELD_NAMES[field]}不一致：此处为“${mine}”，${loc.ref([...firstWith.path, field], path)}为“${value}”`,
        );
      }
    }
    // Phones become ids: they must look like phone numbers.
    for (const ref of group.refs) {
      const phone = ref.person.phone;
      if (phone && !/^\d{5,15}$/.test(phone))
        report([...ref.path, "phone"], `电话“${phone}”格式不对，应为数字`);
    }
  }

  for (const { ref, candidates } of ambiguous) {
    const phones = candidates.map((g) => describeGroup(g.refs)).join("、");
    report([...ref.path, "name"], `“${ref.person.name}”对应多个人（${phones}），请填写电话以区分`);
  }
  return problems;
}

function sharedField(a: RosterFilePerson, b: RosterFilePerson): IdField | undefined {
  return ID_FIELDS.find((f) => a[f] && a[f] === b[f]);
}

function describeGroup(refs: readonly PersonRef[]): string {
  for (const field of ID_FIELDS) {
    const v = refs.find((r) => r.person[field])?.person[field];
    if (v) return `${FIELD_NAMES[field]} ${v}`;
  }
  return "无联系方式";
}

/** One line per problem: `file 「sheet」表 message` (the sheet once), warnings marked [提示]. */
export function formatProblem(p: RosterProblem): string {
  const sheet = p.sheet && !p.message.startsWith(`「${p.sheet}」表`) ? `「${p.sheet}」表 ` : "";
  const file = p.file ? `${p.file} ` : "";
  const level = p.severity === "warning" ? "[提示] " : "";
  return `${level}${file}${sheet}${p.message}`;
}
