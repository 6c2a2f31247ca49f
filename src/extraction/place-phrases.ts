/**
 * The words of place phrases between the names in a message (the names themselves are masked): what
 * a name is to the walk (从 X, 拐进 X, 沿着 X, 过了 X, 到了 X, 快到 X, 离 X, 不是 X), and what follows
 * it (a direction, a distance, counted crossings, a turn, a correction, doubt, "还是", "这段").
 */
import { readDistanceAfterDirection, readSpokenDistance, type SpokenDistance } from "./spoken-distance.ts";
import { parseChineseNumber } from "./text-normalize.ts";

export type Marker =
  | "from"
  | "enter"
  | "along"
  | "pass"
  | "reach"
  | "before"
  | "distfrom"
  | "at"
  | "not"
  | "plain";

export type Mod =
  | { kind: "dir"; word: string }
  | { kind: "dist"; meters: number }
  | { kind: "count"; n: number; stop: "at" | "past" | "before"; bare: boolean }
  | { kind: "turn"; side: "left" | "right" | null; word?: string }
  | { kind: "correct" }
  | { kind: "doubt" }
  | { kind: "or" }
  | { kind: "span" };

export interface FoundMod {
  mod: Mod;
  start: number;
  end: number;
}

/** The marker a name gets from the words right before it. */
const MARKERS: [RegExp, Marker][] = [
  [/(?:不是|不在|并非)(?:在)?(?:那个)?$/, "not"],
  [/(?:从|打|由|自)(?:那个|这个|这边|那边)?$/, "from"],
  [/(?:拐进|拐上|拐到|拐入|转进|转到|转入|进入|开进|走进|开上|走上|上了|拐进了|拐到了)(?:那个)?$/, "enter"],
  [/(?:沿着|顺着|沿|顺)(?:那个)?$/, "along"],
  [/(?:快到|还没到|没到|到.{0,2}之前的?)$/, "before"],
  // A bare 到 only after a way said ("往东到…", "走到…"), not in "车都堵到X".
  [/(?:到了|走到|开到|骑到|走到了|开到了|一直到|(?:[东西南北前]|再|就)到)(?:那个)?$/, "reach"],
  [/(?:过了|经过|路过|穿过|过)(?:那个)?$/, "pass"],
  [/(?:离|距离|距)(?:那个)?$/, "distfrom"],
  [/(?:在|就在|是在|位于)(?:那个|这个)?$/, "at"],
];

/** The marker of the name whose text starts right after `before`. */
export function markerOf(before: string): Marker {
  for (const [re, marker] of MARKERS) if (re.test(before)) return marker;
  return "plain";
}

const NUM = "[一二两三四五六七八九十\\d]+";
const CROSSING_WORD = "(?:红绿灯|十字路口|丁字路口|路口|口子|口|灯|个路口)";
const PATTERNS: [RegExp, (m: RegExpExecArray, rest: string) => Mod | null][] = [
  [
    /^(?:不对不对|不对|说错了|记错了|报错了|搞错了|哦不是|哦不|不是不是|也不是|应该是|其实是|更正一下|更正)/,
    () => ({ kind: "correct" }),
  ],
  [
    /^(?:我也)?(?:记不清|记不太清|不确定|不太确定|拿不准|说不准|忘了|不知道叫啥|不清楚)/,
    () => ({ kind: "doubt" }),
  ],
  [/^还是/, () => ({ kind: "or" })],
  [/^(?:这一小段|这一段|那一段|这段|那段|之间|中间|一整条|整条)/, () => ({ kind: "span" })],
  [
    // Not a sign or a lane ("禁止左转", "左转的灯").
    /^(?:往|向)?(左|右)(?:拐|转)(?!(?:的)?(?:那个)?(?:灯|牌|车道|标志|箭头))/,
    (m) => ({ kind: "turn", side: m[1] === "左" ? "left" : "right" }),
  ],
  [
    /^(?:往|向)(东北|东南|西北|西南|东|西|南|北)(?:拐|转)/,
    (m) => ({ kind: "turn", side: null, word: `往${m[1]}` }),
  ],
  [
    new RegExp(`^(过了|过)?(?:数到)?第(${NUM})个?${CROSSING_WORD}?`),
    (m, rest) => countOf(m[2], Boolean(m[1]), rest, !new RegExp(`${CROSSING_WORD}$`).test(m[0])),
  ],
  [new RegExp(`^(?:过了|过)(${NUM})个${CROSSING_WORD}`), (m, rest) => countOf(m[1], true, rest, false)],
  [/^(?:下一个|下个)(?:红绿灯|路口|口子|口)/, (_m, rest) => countOf("1", false, rest, false)],
  [
    /^(?:往|向|朝|以)(东北|东南|西北|西南|东|西|南|北)|^(东北|东南|西北|西南|东|西|南|北)(?:侧|边|面|角|头|段|方向|首)|^路(东|西|南|北)(?:侧|边)?/,
    (m) => ({ kind: "dir", word: m[0] }),
  ],
];

function countOf(num: string | undefined, pastBefore: boolean, rest: string, bare: boolean): Mod | null {
  const n = num ? (/^\d+$/.test(num) ? Number(num) : parseChineseNumber(num)) : null;
  if (!n || n > 20) return null;
  const after = rest.slice(0, 8);
  const stop =
    /^(?:还没到|没到|之前|前面?还没)/.test(after) || /^.{0,3}还没到/.test(after)
      ? "before"
      : pastBefore || /^(?:那儿|那里)?(?:过了|过去|过一点)/.test(after)
        ? "past"
        : "at";
  return { kind: "count", n, stop, bare };
}

/** The modifiers in a stretch of text between two names, in order (offsets from `base`). */
export function readMods(text: string, base: number): FoundMod[] {
  const out: FoundMod[] = [];
  let i = 0;
  let lastWasDir = false;
  while (i < text.length) {
    const rest = text.slice(i);
    let hit: FoundMod | null = null;
    for (const [re, make] of PATTERNS) {
      const m = re.exec(rest);
      if (!m) continue;
      const mod = make(m, rest.slice(m[0].length));
      if (mod) hit = { mod, start: base + i, end: base + i + m[0].length };
      if (hit) break;
    }
    if (!hit) {
      const spoken = /^[\d一二两三四五六七八九十百千]/.test(rest) ? readSpokenDistance(rest) : null;
      const s: SpokenDistance | null =
        spoken?.at === 0 ? spoken : lastWasDir ? readDistanceAfterDirection(rest) : null;
      if (s && s.at === 0)
        hit = { mod: { kind: "dist", meters: s.meters }, start: base + i, end: base + i + s.length };
    }
    if (hit) {
      out.push(hit);
      lastWasDir = hit.mod.kind === "dir" || (lastWasDir && /^(?:走|开)/.test(rest));
      i = hit.end - base;
    } else {
      // Filler between a direction and its distance ("往西走个一百米", "往南，大概三四百米") keeps the link.
      if (!/^[走开了个大概约差不多左右的，,\s再]/.test(rest)) lastWasDir = false;
      i += 1;
    }
  }
  return out;
}
