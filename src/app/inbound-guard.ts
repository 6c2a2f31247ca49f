/**
 * Minimal shape check of what a channel hands the inbox. Channels are typed, but their input comes
 * from the network: a message without a channel, chat, id or sender cannot be stored or deduplicated,
 * so it is dropped with a logged reason instead of crashing the process.
 */
import { z } from "zod";

/** Platform ids are short; anything longer is not a real id. */
const MAX_ID = 200;

const inboundShape = z.object({
  channel: z.string().min(1).max(40),
  chatId: z.string().min(1).max(MAX_ID),
  messageId: z.string().min(1).max(MAX_ID),
  sender: z.object({ key: z.string().min(1).max(MAX_ID), name: z.string().max(200).catch("") }),
});

/** Returns a reason when the message cannot be stored, else null. */
export function inboundProblem(msg: unknown): string | null {
  const r = inboundShape.safeParse(msg);
  if (r.success) return null;
  return r.error.issues.map((i) => `${i.path.join(".") || "message"}: ${i.message}`).join("; ");
}
