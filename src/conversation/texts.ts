/** Every Chinese sentence the bot says in chat, in one place. */
import { STATE_LABELS } from "../core/case-lifecycle.ts";
import type { CaseState } from "../core/types.ts";

const FMT_CACHE = new Map<string, Intl.DateTimeFormat>();

/** "11月26日 17:30" in the given time zone. */
export function formatTime(d: Date, timeZone: string): string {
  let f = FMT_CACHE.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("zh-CN", {
      timeZone,
      month: "numeric",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    });
    FMT_CACHE.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

export const T = {
  nothingToSplit:
    "没有找到您被合并到该案件的上报。请回复机器人告诉您“已有案件”的那条消息，或写明案件编号，如：不是同一个问题 ZM20261126-001",
  identityUnconfirmed: (name: string) =>
    `您的群昵称与名册中的${name}相同，但这个微信号还没有登记在名册里：请精细办在后台“名册”页确认您的身份（或在名册中填写您的微信号）。确认前您可以上报和查询，不能处理案件。`,
  otherChannelCase: (num: string) =>
    `${num} 是飞书或微信群里的案件：网页模拟群聊只能查看和处理模拟群聊里的案件。`,
  help: [
    "路长通可以帮您上报和跟踪城市管理问题。指令（先 @路长通）：",
    "· 上报：直接描述位置和问题，可附照片，如“商都大道民康路口垃圾桶满了”",
    "· 收到 / 签收：签收派给您的案件",
    "· 已整改（附整改后照片）：报告整改完成",
    "· 回退 原因：不属于本路段或部门",
    "· 延时 2天 原因：申请延长时限",
    "· 吹哨 交警 环卫：召集相关部门协同处置",
    "· 核查通过 / 返工 原因：督查员核查结果",
    "· 我的任务：查看待办案件",
    "· 查询 案件编号：查看案件进度",
    "· 今日简报：查看今日案件简报；排名：查看本周、本月考核排名",
    "回复机器人关于某案件的消息，或写明案件编号，即可指定案件。",
  ].join("\n"),
  tooLong: (max: number) => `消息过长（超过 ${max} 字），请精简后重新发送。`,
  unsupportedContent: "暂时看不懂语音、文件和表情，请用文字描述问题和位置，或直接发照片。",
  empty: "请描述问题和位置，例如：“商都大道民康路口垃圾桶满了”。发送“帮助”查看全部指令。",
  badImage: "附件不是有效的图片（支持 JPG、PNG、GIF、WEBP），请重新发送照片。",
  unknown:
    "抱歉，没能识别这条消息。上报问题请写明位置和问题，例如：“商都大道民康路口垃圾桶满了”；发送“帮助”查看全部指令。",
  photoWaiting: "已收到照片，请在 2 分钟内补充文字说明问题和位置。",
  photoJoined: (number: string) => `已将照片补充到案件 ${number}。`,
  askLocation: (example: string) => `请补充位置，例如：${example}`,
  askCategory: "请补充具体是什么问题，例如：垃圾满溢、路面破损、占道经营。",
  pendingReceipt: (num: string, question: string) => `已记录（${num}，待立案）。${question}`,
  duplicate: (num: string, state: CaseState) =>
    `该问题已在处理中：案件 ${num}（${STATE_LABELS[state]}），已将您的上报关联到该案件，无需重复上报。`,
  noCaseFound: (label: string) =>
    `您当前没有可以${label}的案件。如需指定案件，请回复机器人关于该案件的消息或写明案件编号。`,
  whichCase: (label: string, numbers: string[]) =>
    `您有多个案件可以${label}：${numbers.join("、")}。请回复对应案件的消息，或写明案件编号，例如：${label} ${numbers[0] ?? ""}`,
  unknownCase: (num: string) => `未找到案件 ${num}，请核对编号。`,
  refused: (reason: string) => `抱歉，${reason}`,
  needReason: (label: string) => `请说明${label}原因，例如：“${label} 不属于本路段”。`,
  needAmount: "请说明延时时长和原因，例如：“延时 2天 等待配件”。",
  needPhotoForFix: "请补发整改后的照片（2 分钟内发送的照片会自动关联），或发送照片后再回复“已整改”。",
  needDepartments: (names: string) => `请写明要召集的部门，例如：“吹哨 交警 环卫”。可选部门：${names}`,
  unknownDepartments: (words: string, names: string) => `未找到部门“${words}”。可选部门：${names}`,
  whistleNoContacts: (names: string) =>
    `${names}在名册中没有联系人，未能通知到人，请在名册中补充部门联系人。`,
  noTasks: "您目前没有待办案件。",
  internalError: "抱歉，处理这条消息时出错了，已记录，工作人员会尽快处理。",
  needReassignTarget: "请写明改派给哪个路段或哪位路长，例如：“改派 SD-2” 或 “改派 黄卫东”。",
  unknownReassignTarget: (words: string) =>
    `未找到路段或人员“${words}”，请写路段编号（如 SD-2）或名册中的姓名。`,
  segmentWithoutChief: (segmentId: string) =>
    `路段 ${segmentId} 在名册中没有三级路长，请同时写明改派给谁，例如：“改派 ${segmentId} 黄卫东”。`,
  reassigned: (num: string, place: string, name: string) =>
    `案件 ${num} 已改派：${place}，责任路长 ${name}。`,
  reassignNotice: (num: string) => `案件 ${num} 改派给您处置：`,
  handleHint: "请回复“收到”签收；整改后回复“已整改”并附照片。",
  /** A reply to a command given in the web console, which the chat did not see: says who gave it. */
  fromConsole: (actor: string, text: string) => `【精细办后台·${actor}】${text}`,
} as const;
