/** The fake's card JSON 2.0 rules: the bot's own cards pass, what Lark refuses is refused. */
import { describe, expect, it } from "vitest";
import { caseCard, textCard } from "../../bots/lark/lark-card.ts";
import type { CaseCardView } from "../../bots/lark/lark-ports.ts";
import { CARD_MAX_ELEMENTS, cardProblem } from "../fakes/lark-card-rules.ts";

const view: CaseCardView = {
  number: "ZM20261126-001",
  state: "in_progress",
  stateLabel: "处置中",
  category: "垃圾站(箱)满溢（06042）",
  place: "商都大道 新圃街至文明路段",
  summary: "垃圾桶满溢",
  handlerName: "黄卫东",
  deadline: "11月26日 12:00",
  light: "yellow",
  urgent: true,
  reworkCount: 1,
  pendingExtension: true,
  beforePhotos: ["h1"],
  afterPhotos: [],
};
const known = () => true;

describe("card JSON 2.0 rules of the fake", () => {
  it("accept the bot's case card and text card", () => {
    const mentions = [{ personId: "p1", name: "黄卫东", larkOpenId: "ou_1" }];
    expect(
      cardProblem(
        JSON.stringify(caseCard({ view, mentions, photoKey: "img_1", photoIsAfter: false })),
        known,
      ),
    ).toBeNull();
    const actions = [{ label: "签收", command: "收到", for: "handler" as const }];
    expect(cardProblem(JSON.stringify(textCard({ text: "请签收", mentions, actions })), known)).toBeNull();
  });

  it("refuse an unsupported property, an action container, update_multi false, over 30 KB, over 200 components", () => {
    const base = caseCard({ view, mentions: [], photoKey: null, photoIsAfter: false });
    const withExtra = {
      ...base,
      body: { elements: [{ tag: "markdown", content: "x", wide_screen_mode: true }] },
    };
    expect(cardProblem(JSON.stringify(withExtra), known)).toContain("unsupported property wide_screen_mode");
    expect(cardProblem(JSON.stringify({ ...base, elements: [] }), known)).toContain(
      "unsupported property elements",
    );
    const action = { ...base, body: { elements: [{ tag: "action", actions: [] }] } };
    expect(cardProblem(JSON.stringify(action), known)).toContain("no action container");
    expect(cardProblem(JSON.stringify({ ...base, config: { update_multi: false } }), known)).toContain(
      "update_multi",
    );
    const big = { ...base, body: { elements: [{ tag: "markdown", content: "很".repeat(11_000) }] } };
    expect(cardProblem(JSON.stringify(big), known)).toContain("larger than");
    const many = {
      ...base,
      body: { elements: Array.from({ length: CARD_MAX_ELEMENTS + 1 }, () => ({ tag: "hr" })) },
    };
    expect(cardProblem(JSON.stringify(many), known)).toContain("more than 200");
  });
});
