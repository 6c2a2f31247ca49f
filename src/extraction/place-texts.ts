/** What the bot says about places (Chinese, user-facing): the questions when a place fits a few. */

/** The numbered question for a place that fits a few segments; the reply is a number. */
export function placeChoiceQuestion(labels: readonly string[]): string {
  return [`您说的是哪一处？`, ...labels.map((l, i) => `${i + 1}. ${l}`), "请回复序号。"].join("\n");
}

/** Today's text question for the same: the candidates in words, then what to add. */
export function placeCandidatesQuestion(labels: readonly string[], example: string): string {
  return `位置可能是：${labels.join("；")}。请说明是哪一处（说出道路和路口），例如：${example}`;
}
