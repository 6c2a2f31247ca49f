/**
 * A message posted by the simulator page: its schema, and its conversion to the one InboundMessage
 * shape every channel produces (STYLE.md §2).
 */
import { z } from "zod";
import type { ChatId, InboundImage, InboundMessage } from "../../src/core/types.ts";
import { SIM_TEXT } from "./sim-text.ts";

/** Longest message text, in UTF-16 code units (a long WeChat message is ~5 000 characters). */
export const MAX_TEXT_CHARS = 20_000;
/** Photos per message: a before/after pair or a few angles is plenty for one report. */
export const MAX_IMAGES = 4;
/** Largest photo, decoded: modern phone photos are 3–6 MB. */
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
const MAX_IMAGE_MB = MAX_IMAGE_BYTES / 1024 / 1024;
/** Longest guest name: Chinese names are 2–4 characters; room for a unit in brackets. */
export const MAX_GUEST_NAME_CHARS = 20;
/** Base64 length of the largest photo, plus room for the "data:image/…;base64," prefix. */
const MAX_DATA_URL_CHARS = Math.ceil(MAX_IMAGE_BYTES / 3) * 4 + 100;
/**
 * Largest POST body the simulator needs: four largest photos as data URLs, plus 1 MB for the text
 * (20 000 characters escaped as \uXXXX is 120 KB) and the other fields. About 43.7 MB.
 */
export const SIM_POST_BODY_LIMIT = MAX_IMAGES * MAX_DATA_URL_CHARS + 1024 * 1024;

const DATA_URL_PREFIX = /^data:(image\/[a-z0-9.+-]+);base64,/i;
/** Photo formats phones and cameras produce; SVG is left out on purpose (it can carry script). */
const PHOTO_MIME_TYPES = new Set([
  "image/jpeg",
  "image/jpg",
  "image/png",
  "image/gif",
  "image/webp",
  "image/bmp",
  "image/heic",
  "image/heif",
  "image/avif",
]);
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

type DecodedDataUrl =
  | { ok: true; image: InboundImage }
  | { ok: false; reason: "format" | "unsupported_type" | "too_large" };

/** Decodes a base64 image data URL, checking its size before allocating the bytes. */
export function decodeImageDataUrl(url: string): DecodedDataUrl {
  if (url.length > MAX_DATA_URL_CHARS) return { ok: false, reason: "too_large" };
  const prefix = DATA_URL_PREFIX.exec(url);
  if (!prefix?.[1]) return { ok: false, reason: "format" };
  const mime = prefix[1].toLowerCase();
  if (!PHOTO_MIME_TYPES.has(mime)) return { ok: false, reason: "unsupported_type" };
  const body = url.slice(prefix[0].length);
  if (body.length === 0 || body.length % 4 !== 0 || !BASE64_BODY.test(body))
    return { ok: false, reason: "format" };
  const padding = body.endsWith("==") ? 2 : body.endsWith("=") ? 1 : 0;
  const size = (body.length / 4) * 3 - padding;
  if (size > MAX_IMAGE_BYTES) return { ok: false, reason: "too_large" };
  // Copied out of Buffer's shared pool so the bytes own their ArrayBuffer.
  const data = Uint8Array.from(Buffer.from(body, "base64"));
  return { ok: true, image: { data, mime } };
}

const imagesSchema = z
  .array(z.string({ error: SIM_TEXT.badImages }), { error: SIM_TEXT.badImages })
  .max(MAX_IMAGES, { error: SIM_TEXT.tooManyImages(MAX_IMAGES) })
  .transform((urls, ctx) => {
    const images: InboundImage[] = [];
    urls.forEach((url, index) => {
      const decoded = decodeImageDataUrl(url);
      if (decoded.ok) images.push(decoded.image);
      else
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: {
            format: SIM_TEXT.badImage(index + 1),
            unsupported_type: SIM_TEXT.unsupportedImageType(index + 1),
            too_large: SIM_TEXT.imageTooLarge(index + 1, MAX_IMAGE_MB),
          }[decoded.reason],
        });
    });
    return images;
  });

const clientMessageIdError = { error: SIM_TEXT.badClientMessageId };
const senderIdError = { error: SIM_TEXT.badSenderId };

/** Body of `POST /api/sim/messages`. */
export const simPostSchema = z
  .object(
    {
      clientMessageId: z
        .string(clientMessageIdError)
        .min(1, clientMessageIdError)
        .max(100, clientMessageIdError),
      senderId: z.string(senderIdError).min(1, senderIdError).max(100, senderIdError),
      guestName: z
        .string({ error: SIM_TEXT.badGuestName(MAX_GUEST_NAME_CHARS) })
        .max(MAX_GUEST_NAME_CHARS, { error: SIM_TEXT.badGuestName(MAX_GUEST_NAME_CHARS) })
        .optional(),
      text: z
        .string({ error: SIM_TEXT.badText })
        .max(MAX_TEXT_CHARS, { error: SIM_TEXT.textTooLong(MAX_TEXT_CHARS) }),
      images: imagesSchema.optional(),
      replyTo: z
        .string({ error: SIM_TEXT.badReplyTo })
        .min(1, { error: SIM_TEXT.badReplyTo })
        .max(200, { error: SIM_TEXT.badReplyTo })
        .optional(),
      mentionBot: z.boolean({ error: SIM_TEXT.badMentionBot }),
    },
    { error: SIM_TEXT.badBody },
  )
  .refine((post) => post.text.trim().length > 0 || (post.images?.length ?? 0) > 0, {
    error: SIM_TEXT.emptyMessage,
  });

export type SimPost = z.output<typeof simPostSchema>;

/** Parses a posted body; on failure, the first problem in Chinese. */
export function parseSimPost(body: unknown): { ok: true; post: SimPost } | { ok: false; error: string } {
  if (body === undefined || body === null || body === "") return { ok: false, error: SIM_TEXT.emptyBody };
  const result = simPostSchema.safeParse(body);
  if (result.success) return { ok: true, post: result.data };
  return { ok: false, error: result.error.issues[0]?.message ?? SIM_TEXT.badRequest };
}

/** A person one can be in the simulator. */
export interface SimPerson {
  id: string;
  name: string;
  title: string;
  roles: string[];
}

/** The InboundMessage for a parsed post from `sender` (a roster person, or a guest when null). */
export function toInboundMessage(input: {
  post: SimPost;
  person: SimPerson | null;
  people: readonly SimPerson[];
  chatId: ChatId;
  botName: string;
  now: Date;
}): InboundMessage {
  const { post, person } = input;
  const name = person ? person.name : guestDisplayName(post.guestName);
  // People named with "@姓名" in the text, the way a real client would resolve its mention picker.
  const mentions = input.people
    .filter((other) => post.text.includes(`@${other.name}`))
    .map((other) => ({ key: `sim:${other.id}`, name: other.name }));
  const message: InboundMessage = {
    channel: "sim",
    chatId: input.chatId,
    messageId: post.clientMessageId,
    sender: { key: `sim:${post.senderId}`, name },
    text: post.text,
    mentionsBot: post.mentionBot || post.text.includes(`@${input.botName}`),
    mentions,
    images: post.images ?? [],
    sentAt: input.now,
  };
  if (post.replyTo !== undefined) message.replyTo = post.replyTo;
  return message;
}

/** A guest's shown name: what they typed, or "游客". */
export function guestDisplayName(guestName: string | undefined): string {
  const trimmed = guestName?.trim() ?? "";
  return trimmed.length > 0 ? trimmed : SIM_TEXT.guestLabel;
}
