/**
 * The LLM prompt, from the template files in prompts/. The prefix (system message with taxonomy,
 * disambiguation rules and the roster's place names, then the worked examples) is rendered once
 * per roster and sent byte-identical with every message, so providers can cache it; the message
 * itself comes last, between delimiters, as data.
 */
import { readFileSync } from "node:fs";
import type { RosterIndex } from "../core/roster-index.ts";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import { projectPath } from "../project-root.ts";
import { ExtractionSchema } from "./extraction-schema.ts";

export const PROMPTS_DIR = projectPath("prompts");

/**
 * Above this many characters the place list keeps road and landmark names only (no crossings), so
 * a big county's prompt stays affordable (~1 token per 1.5 Chinese characters).
 */
const PLACES_MAX_CHARS = 6000;

export interface PromptMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

interface Example {
  message: string;
  output: unknown;
}

export interface PromptTemplates {
  system: string;
  user: string;
  repair: string;
  examples: Example[];
}

/** Reads the templates from `dir` (prompts/ by default). */
export function readPromptTemplates(dir = PROMPTS_DIR): PromptTemplates {
  const read = (name: string) => readFileSync(`${dir}/${name}`, "utf8");
  const examples = JSON.parse(read("extraction-examples.json")) as Example[];
  for (const ex of examples) ExtractionSchema.parse(ex.output);
  return {
    system: read("extraction-system.md"),
    user: read("extraction-user.md"),
    repair: read("extraction-repair.md"),
    examples,
  };
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (m, key: string) => values[key] ?? m);
}

function taxonomyLines(taxonomy: TaxonomyIndex): string {
  return taxonomy.items.map((i) => `${i.code} ${i.name}`).join("\n");
}

function placeLines(roster: RosterIndex, withCrossings: boolean): string {
  const lines: string[] = [];
  for (const r of roster.roads.values()) {
    const alias = r.aliases.length ? `（又称${r.aliases.join("、")}）` : "";
    const crossings =
      withCrossings && r.crossings.length
        ? `：路口${r.crossingsOrder ? `${r.crossingsOrder}依次为` : ""}${r.crossings.map((c) => c.name).join("、")}`
        : "";
    lines.push(`道路 ${r.name}${alias}${crossings}`);
  }
  for (const l of roster.landmarks) {
    const alias = l.aliases.length ? `（又称${l.aliases.join("、")}）` : "";
    lines.push(`地标 ${l.name}${alias}，在${l.roadName}`);
  }
  return lines.join("\n");
}

/** Keeps the delimiters meaningful: the message cannot close its own data block. */
export function asData(text: string): string {
  return text.replace(/<{3,}|>{3,}/g, " ").trim();
}

/** The rendered prompt of one roster: a fixed prefix, then one user turn per message. */
export class ExtractionPrompt {
  /** System message and examples: identical for every message of this roster. */
  readonly prefix: readonly PromptMessage[];

  constructor(
    private readonly templates: PromptTemplates,
    roster: RosterIndex,
    taxonomy: TaxonomyIndex,
  ) {
    let places = placeLines(roster, true);
    if (places.length > PLACES_MAX_CHARS) places = placeLines(roster, false);
    const system = fill(templates.system, {
      TAXONOMY: taxonomyLines(taxonomy),
      DISAMBIGUATION: taxonomy.taxonomy.disambiguation.map((d) => `- ${d}`).join("\n"),
      PLACES: places || "（名册为空）",
    });
    const prefix: PromptMessage[] = [{ role: "system", content: system }];
    for (const ex of templates.examples) {
      prefix.push({ role: "user", content: this.userText(ex.message, 0) });
      prefix.push({ role: "assistant", content: JSON.stringify(ex.output) });
    }
    this.prefix = prefix;
  }

  /** The user turn for a message (photos are attached by the caller). */
  userText(message: string, photoCount: number, photosShown = photoCount): string {
    let photos = "";
    if (photoCount > 0) {
      photos =
        photosShown > 0
          ? `消息附有 ${photoCount} 张照片（见下），请结合照片判断。`
          : `消息附有 ${photoCount} 张照片（未提供给你）。`;
    }
    return fill(this.templates.user, {
      MESSAGE: asData(message) || "（无文字）",
      PHOTOS: photos ? `\n${photos}` : "",
    });
  }

  /** The repair request after an invalid reply. */
  repairText(issues: readonly string[]): string {
    return fill(this.templates.repair, { ISSUES: issues.map((i) => `- ${i}`).join("\n") });
  }
}
