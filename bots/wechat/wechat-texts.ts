/** Every Chinese sentence of the WeChat bot (alerts, the status page, hints under messages). */

export const WX_TEXT = {
  localOnly:
    "微信登录状态页只能在运行路长通的这台机器上打开（它显示登录二维码）。请在本机访问 http://localhost:端口/wechat。",
  scanNeeded: "微信需要扫码登录：请用作为机器人的微信扫描终端或本机网页 /wechat 上的二维码。",
  scanned: "二维码已扫描，请在手机上确认登录。",
  loggedIn: (name: string) => `微信已登录：${name}。`,
  loggedOut: (reason: string) =>
    `微信已退出登录（${reason || "原因未知"}）。待发消息保存在发件箱里，重新扫码登录后按顺序发出。`,
  roomMissing: (topic: string) =>
    `没有找到名为“${topic}”的微信群：请确认机器人在群里、群名与 WECHAT_ROOMS 完全一致。`,
  roomDuplicate: (topic: string, n: number) => `有 ${n} 个群都叫“${topic}”，机器人只用其中一个：请改名区分。`,
  imageFailed: (who: string) => `${who} 发的一张照片下载失败（已重试一次），请让对方重新发送。`,
  puppetError: (message: string) => `微信连接出错：${message}`,
  fastPace: (ms: number) =>
    `WECHAT_MIN_SEND_INTERVAL_MS=${ms} 低于 1000 毫秒，发送过快容易被微信限制，建议 1500 以上。`,
  /** Under a message with buttons elsewhere (Lark cards): WeChat has none, so say what to reply. */
  actionsHint: (commands: string[]) => `引用本条消息回复或 @我 并写明案件编号：${commands.join("｜")}`,
  page: {
    title: "路长通 · 微信连接",
    states: {
      starting: "正在启动",
      waiting_scan: "等待扫码登录",
      logged_in: "已登录",
      logged_out: "已退出登录",
      stopped: "已停止",
    } as Record<string, string>,
    scanHint: "请用作为机器人的微信扫码，并在手机上确认登录。",
    rooms: "配置的群",
    roles: { report: "上报群", leadership: "领导群" } as Record<string, string>,
    found: "已找到",
    notFound: "未找到",
    unknown: "登录后检查",
    alerts: "提醒",
    pending: "发件箱待发",
  },
} as const;
