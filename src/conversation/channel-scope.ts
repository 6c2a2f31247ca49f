/**
 * The web chat simulator has no sign-in: whoever uses it picks who they are. So a message from the
 * simulator acts on, and reads, simulator cases only (cases opened in a `sim:` chat); the real
 * groups' cases stay with the people the platform vouches for (docs/security.md).
 */

/** The simulator's channel name (bots/simulator/simulator-channel.ts), also its chat id prefix. */
const SIMULATOR_CHANNEL = "sim";

/** Whether the sender of `msg` may not see or change case `c` from the chat it wrote in. */
export function outOfScope(msg: { channel: string }, c: { chatId: string }): boolean {
  return msg.channel === SIMULATOR_CHANNEL && !c.chatId.startsWith(`${SIMULATOR_CHANNEL}:`);
}
