/** Taxonomy lookups (luzhang-taxonomy/v1). */
import type { Taxonomy, TaxonomyItem } from "./types.ts";

export class TaxonomyIndex {
  private readonly byCode = new Map<string, TaxonomyItem>();
  constructor(readonly taxonomy: Taxonomy) {
    for (const item of taxonomy.items) this.byCode.set(item.code, item);
  }
  get(code: string): TaxonomyItem | undefined {
    return this.byCode.get(code);
  }
  get items(): readonly TaxonomyItem[] {
    return this.taxonomy.items;
  }
}

const UNIT_LABELS = { work_hour: "工作时", work_day: "工作日", hour: "小时" } as const;

/** "2工作时", "3工作日", "2小时". */
export function timeLimitLabel(limit: TaxonomyItem["time_limit"]): string {
  return `${limit.value}${UNIT_LABELS[limit.unit]}`;
}
