/** Builders for extraction JSON as an LLM would answer it (ExtractionSchema). */
import type { ExtractionJson } from "../../src/extraction/extraction-schema.ts";

type LocationPart = Partial<ExtractionJson["location"]>;

/** A complete, valid extraction JSON with sensible defaults (a report). */
export function extractionJson(
  over: Partial<Omit<ExtractionJson, "location">> & { location?: LocationPart } = {},
): ExtractionJson {
  return {
    is_report: over.is_report ?? true,
    problems: over.problems ?? [],
    location: {
      road: null,
      crossing: null,
      crossing2: null,
      landmark: null,
      landmark_relation: null,
      direction: null,
      distance_m: null,
      house_number: null,
      raw: "",
      ...over.location,
    },
    urgent: over.urgent ?? false,
    question: over.question ?? null,
  };
}
