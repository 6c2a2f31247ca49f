/**
 * Payloads of the local DingTalk fake, in the shapes of DingTalk's documentation and the official
 * SDKs (open-dingtalk/developerpedia "接收的消息类型" and "协议描述"; dingtalk-stream-sdk-python's
 * chatbot.py and card callbacks): robot messages, stream frames, card callbacks, and a small
 * multipart/form-data reader for the media upload.
 */
import { randomBytes } from "node:crypto";

export const TOPIC_ROBOT = "/v1.0/im/bot/messages/get";
export const TOPIC_CARD = "/v1.0/card/instances/callback";

export const randomId = (prefix: string, bytes = 8) => `${prefix}${randomBytes(bytes).toString("hex")}`;

/** Who sends a robot message: an organisation member has a staffId (userid), an outsider none. */
export interface FakeSender {
  staffId?: string;
  nick: string;
}

export interface RobotMessageInput {
  conversationId: string;
  from: FakeSender;
  text?: string;
  /** Download codes of pictures (from `addFile`); with text this makes a richText message. */
  pictures?: string[];
  /** userids @-mentioned besides the robot. */
  at?: string[];
  /** A quoted message (undocumented `text.repliedMsg`). */
  quote?: { msgId: string; senderId: string; text: string };
  conversationType?: "1" | "2";
  msgId?: string;
}

/** A robot message's data (what a CALLBACK frame carries as JSON text). */
export function robotMessageData(
  input: RobotMessageInput,
  ctx: {
    corpId: string;
    chatbotUserId: string;
    robotCode: string;
    sessionWebhook: string;
    expiresAt: number;
  },
): Record<string, unknown> {
  const now = Date.now();
  const pictures = input.pictures ?? [];
  const base: Record<string, unknown> = {
    conversationId: input.conversationId,
    atUsers: [
      { dingtalkId: ctx.chatbotUserId },
      ...(input.at ?? []).map((staffId) => ({ dingtalkId: `$:LWCP_v1:$${staffId}`, staffId })),
    ],
    chatbotCorpId: ctx.corpId,
    chatbotUserId: ctx.chatbotUserId,
    msgId: input.msgId ?? `msg${randomBytes(12).toString("base64")}`,
    senderNick: input.from.nick,
    isAdmin: false,
    ...(input.from.staffId ? { senderStaffId: input.from.staffId } : {}),
    sessionWebhookExpiredTime: ctx.expiresAt,
    createAt: now,
    senderCorpId: ctx.corpId,
    conversationType: input.conversationType ?? "2",
    senderId: `$:LWCP_v1:$${input.from.staffId ?? randomBytes(6).toString("hex")}`,
    conversationTitle: "中牟县路长制工作群",
    isInAtList: true,
    sessionWebhook: ctx.sessionWebhook,
    robotCode: ctx.robotCode,
  };
  if (pictures.length === 0) {
    const text: Record<string, unknown> = { content: ` ${input.text ?? ""}` };
    if (input.quote)
      Object.assign(text, {
        isReplyMsg: true,
        repliedMsg: {
          msgId: input.quote.msgId,
          senderId: input.quote.senderId,
          msgType: "text",
          content: { text: input.quote.text },
        },
      });
    return { ...base, msgtype: "text", text };
  }
  if (!input.text && pictures.length === 1)
    return {
      ...base,
      msgtype: "picture",
      content: { pictureDownloadCode: `p${pictures[0]}`, downloadCode: pictures[0] },
    };
  const richText: Record<string, unknown>[] = [];
  if (input.text) richText.push({ text: input.text });
  for (const code of pictures)
    richText.push({ pictureDownloadCode: `p${code}`, downloadCode: code, type: "picture" });
  return { ...base, msgtype: "richText", content: { richText } };
}

/** A CALLBACK frame as the stream pushes it. */
export function callbackFrame(
  topic: string,
  data: object,
  ctx: { appId: string; connectionId: string; messageId?: string },
) {
  return {
    specVersion: "1.0",
    type: "CALLBACK",
    headers: {
      appId: ctx.appId,
      connectionId: ctx.connectionId,
      contentType: "application/json",
      messageId: ctx.messageId ?? randomId("", 10),
      time: String(Date.now()),
      topic,
    },
    data: JSON.stringify(data),
  };
}

/** A card callback's data when `userId` presses button `actionId` on card `outTrackId`. */
export function cardCallbackData(input: {
  outTrackId: string;
  userId: string;
  actionId: string;
  conversationId: string;
  corpId: string;
}) {
  return {
    extension: "{}",
    corpId: input.corpId,
    spaceType: "IM_GROUP",
    userIdType: 1,
    type: "actionCallback",
    userId: input.userId,
    content: JSON.stringify({ cardPrivateData: { actionIds: [input.actionId], params: {} } }),
    spaceId: input.conversationId,
    outTrackId: input.outTrackId,
  };
}

/** The parts of a multipart/form-data body: fields as text, files with their bytes. */
export function readMultipart(
  body: Buffer,
  contentType: string,
): Map<string, { data: Buffer; fileName?: string; mime?: string }> {
  const parts = new Map<string, { data: Buffer; fileName?: string; mime?: string }>();
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const mark = boundary?.[1] ?? boundary?.[2];
  if (!mark) return parts;
  const sep = Buffer.from(`--${mark}`);
  let at = body.indexOf(sep);
  while (at >= 0) {
    const start = at + sep.length + 2;
    const next = body.indexOf(sep, start);
    if (next < 0) break;
    const part = body.subarray(start, next - 2);
    const headEnd = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, headEnd).toString("utf8");
    const name = /name="([^"]*)"/.exec(head)?.[1];
    const fileName = /filename="([^"]*)"/.exec(head)?.[1];
    const mime = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
    if (name)
      parts.set(name, {
        data: part.subarray(headEnd + 4),
        ...(fileName ? { fileName } : {}),
        ...(mime ? { mime } : {}),
      });
    at = next;
  }
  return parts;
}
