/**
 * The LLM prompt, from the template files in prompts/. The prefix (system message with taxonomy and
 * disambiguation rules, then the worked examples) is the same for every message of every county, so
 * providers can cache it; the last user turn carries the part of the roster the message could mean
 * (place-hints.ts) and the message itself, between delimiters, as data.
 */
import { readFileSync } from "node:fs";
import type { TaxonomyIndex } from "../core/taxonomy.ts";
import { projectPath } from "../project-root.ts";
import { ExtractionSchema } from "./extraction-schema.ts";

export const PROMPTS_DIR = projectPath("prompts");

export interface PromptMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

interface Example {
  message: string;
  /** The places block shown with the example (fictional names, like the message). */
  places?: string;
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

/** Keeps the delimiters meaningful: the message cannot close its own data block. */
export function asData(text: string): string {
  return text.replace(/<{3,}|>{3,}/g, " ").trim();
}

/** The rendered prompt: a fixed prefix, then one user turn per message. */
export class ExtractionPrompt {
  /** System message and examples: byte-identical for every message (providers cache it). */
  readonly prefix: readonly PromptMessage[];

  constructor(
    private readonly templates: PromptTemplates,
    taxonomy: TaxonomyIndex,
  ) {
    const system = fill(templates.system, {
      TAXONOMY: taxonomyLines(taxonomy),
      DISAMBIGUATION: taxonomy.taxonomy.disambiguation.map((d) => `- ${d}`).join("\n"),
    });
    const prefix: PromptMessage[] = [{ role: "system", content: system }];
    for (const ex of templates.examples) {
      prefix.push({ role: "user", content: this.userText(ex.message, 0, 0, ex.places ?? "") });
      prefix.push({ role: "assistant", content: JSON.stringify(ex.output) });
    }
    this.prefix = prefix;
  }

  /** The user turn for a message: its places block, then the message (photos are attached by the caller). */
  userText(message: string, photoCount: number, photosShown: number, places: string): string {
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
      PLACES: places,
    });
  }

  /** The repair request after an invalid reply. */
  repairText(issues: readonly string[]): string {
    return fill(this.templates.repair, { ISSUES: issues.map((i) => `- ${i}`).join("\n") });
  }
}
