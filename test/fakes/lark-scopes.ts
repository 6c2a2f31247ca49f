/**
 * The scopes (权限) the fake Lark app is granted, and what each call and event needs. From Lark's
 * pages as far as they were found: sending and replying need any one of im:message,
 * im:message:send_as_bot, im:message:send (回复消息 page); the rest as issue 17 and docs/lark.md
 * state them: uploads im:resource, downloading a message's photo im:message, urgent
 * im:message.urgent; group messages that @ the bot arrive with im:message.group_at_msg:readonly,
 * every other group message (no @, a lone photo) only with im:message.group_msg.
 */

/** What docs/lark.md lists as required. */
export const REQUIRED_SCOPES = ["im:message", "im:message.group_at_msg:readonly", "im:resource"];

export const NEEDS = {
  send: ["im:message", "im:message:send_as_bot", "im:message:send"],
  patch: ["im:message", "im:message:send_as_bot"],
  urgent: ["im:message.urgent"],
  upload: ["im:resource"],
  download: ["im:message", "im:message:readonly"],
  atMessages: ["im:message.group_at_msg:readonly", "im:message.group_msg"],
  allGroupMessages: ["im:message.group_msg"],
  p2p: ["im:message.p2p_msg:readonly"],
} as const;

/** Lark's answer when none of `needed` is granted: HTTP 400, code 99991672. */
export function missingScope(granted: ReadonlySet<string>, needed: readonly string[]) {
  if (needed.some((s) => granted.has(s))) return null;
  return {
    code: 99991672,
    msg: `Access denied. One of the following scopes is required: [${needed.join(", ")}].`,
    error: { permission_violations: needed.map((subject) => ({ type: "action_scope_required", subject })) },
  };
}
