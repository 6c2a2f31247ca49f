/** Every Chinese sentence the DingTalk bot itself says (the conversation's replies live in src/conversation). */
export const DINGTALK_TEXT = {
  unknownUser: "钉钉用户",
  directChat: "请在工作群里 @路长通 上报问题或处理案件；单聊暂不受理。",
  /** Title of a markdown message (shown in the chat list and notifications). */
  messageTitle: "路长通",
  cardTitle: (num: string) => `案件 ${num}`,
  /** Under a message whose buttons are not shown as a card: the same commands, to type. */
  typedCommands: (list: string) => `回复本消息或 @路长通：${list}`,
  truncated: "\n\n……（内容过长，已截断，完整内容请在网页控制台查看）",
  /** The one-to-one copy of a group message for a chief: where it was posted. */
  directCopy: (text: string) => `${text}\n\n（已同时发在工作群）`,
  servedChats: (list: string) => `钉钉机器人已启动（Stream 模式），服务的群：${list}`,
  noChats: "未设置 DINGTALK_CHATS：暂不服务任何群；群里有人 @ 机器人时，日志会记下该群的会话ID",
  roleLabels: { report: "上报群", leadership: "领导群" },
  chatIgnored:
    "钉钉群不在 DINGTALK_CHATS 中，消息已忽略（如需服务该群，请把日志中的 conversationId 加入 DINGTALK_CHATS）",
  strangerLogged: "钉钉用户不在名册中（名册的“钉钉ID”列没有此 userid），按普通上报人处理",
  outsider: "钉钉用户不属于本组织（消息没有 senderStaffId），按普通上报人处理",
  connected: "钉钉 Stream 连接已建立",
  reconnecting: (s: number) => `钉钉 Stream 连接断开，${s} 秒后重连`,
  connectFailed:
    "钉钉 Stream 连接失败，请检查 DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET、机器人是否选了 Stream 模式，以及网络",
} as const;
