/** In-memory view of the imported roster used for routing; built by the store from its tables. */
import type { Person } from "./types.ts";

export interface RosterRoad {
  name: string;
  aliases: string[];
  direction: string;
  /** 自西向东 | 自北向南 … : the order of `crossings`. */
  crossingsOrder: string;
  crossings: { name: string; lat: number | null; lng: number | null }[];
  level1ChiefId: string | null;
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

export interface RosterLandmark {
  name: string;
  aliases: string[];
  roadName: string;
  segmentId: string;
  /** Position, when the roster gives one (same datum as the crossings). */
  lat: number | null;
  lng: number | null;
}

export interface RosterDepartment {
  code: string;
  name: string;
  handles: string[];
  contactIds: string[];
}

export interface RosterData {
  people: Person[];
  roads: RosterRoad[];
  segments: RosterSegment[];
  landmarks: RosterLandmark[];
  departments: RosterDepartment[];
  /** Chat senders console staff confirmed as a roster person (a WeChat contact known by name only). */
  bindings?: { senderKey: string; personId: string }[];
}

/** Lookups over one roster snapshot. Immutable: a re-import builds a new index. */
export class RosterIndex {
  readonly people = new Map<string, Person>();
  readonly roads = new Map<string, RosterRoad>();
  readonly segments = new Map<string, RosterSegment>();
  readonly departments = new Map<string, RosterDepartment>();
  readonly landmarks: RosterLandmark[];
  private readonly byLark = new Map<string, Person>();
  private readonly byWechat = new Map<string, Person>();
  private readonly byDingtalk = new Map<string, Person>();
  private readonly byName = new Map<string, Person[]>();
  private readonly byBinding = new Map<string, string>();
  private readonly segmentsByRoad = new Map<string, RosterSegment[]>();
  private readonly departmentByCode = new Map<string, RosterDepartment>();

  constructor(readonly data: RosterData) {
    for (const p of data.people) {
      this.people.set(p.id, p);
      if (p.larkOpenId) this.byLark.set(p.larkOpenId, p);
      if (p.wechatId) this.byWechat.set(p.wechatId, p);
      if (p.dingtalkId) this.byDingtalk.set(p.dingtalkId, p);
      const same = this.byName.get(p.name) ?? [];
      same.push(p);
      this.byName.set(p.name, same);
    }
    for (const b of data.bindings ?? []) this.byBinding.set(b.senderKey, b.personId);
    for (const r of data.roads) this.roads.set(r.name, r);
    for (const s of data.segments) {
      this.segments.set(s.id, s);
      const list = this.segmentsByRoad.get(s.roadName) ?? [];
      list.push(s);
      this.segmentsByRoad.set(s.roadName, list);
    }
    for (const d of data.departments) {
      this.departments.set(d.code, d);
      for (const code of d.handles) this.departmentByCode.set(code, d);
    }
    this.landmarks = data.landmarks;
  }

  personByLark(openId: string): Person | undefined {
    return this.byLark.get(openId);
  }

  personByWechat(wechatId: string): Person | undefined {
    return this.byWechat.get(wechatId);
  }

  personByDingtalk(userId: string): Person | undefined {
    return this.byDingtalk.get(userId);
  }

  /** The person console staff confirmed this sender to be, if any. */
  personByBinding(senderKey: string): Person | undefined {
    const id = this.byBinding.get(senderKey);
    return id === undefined ? undefined : this.people.get(id);
  }

  /**
   * An unambiguous name. Never an identity by itself (anyone can set a group nickname): only a
   * candidate for console staff to confirm (SenderBinding).
   */
  personByName(name: string): Person | undefined {
    const list = this.byName.get(name);
    return list?.length === 1 ? list[0] : undefined;
  }

  segmentsOf(roadName: string): RosterSegment[] {
    return this.segmentsByRoad.get(roadName) ?? [];
  }

  /** The department that handles a taxonomy code: the roster's `handles` list wins over the default. */
  departmentFor(code: string, defaultCode: string): RosterDepartment | undefined {
    return this.departmentByCode.get(code) ?? this.departments.get(defaultCode);
  }

  /** Chiefs above the segment's 三级路长: its 二级 and the road's 一级. */
  superiorsOf(segmentId: string): string[] {
    const seg = this.segments.get(segmentId);
    if (!seg) return [];
    const road = this.roads.get(seg.roadName);
    return [seg.level2ChiefId, road?.level1ChiefId].filter((x): x is string => Boolean(x));
  }

  inspectors(): Person[] {
    return this.data.people.filter((p) => p.roles.includes("inspector"));
  }
}
