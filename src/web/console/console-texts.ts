/** Every Chinese sentence and label the console's server side says (the pages keep theirs in public/js/texts.js). */
import type { PersonRole } from "../../core/types.ts";

/** Labels of case event types, for the timeline and exports. Unknown types are shown as written. */
export const EVENT_LABELS: Readonly<Record<string, string>> = {
  reported: "上报",
  pending: "待立案（追问上报人）",
  info_added: "补充信息",
  complete: "补充信息，立案",
  dispatched: "派遣",
  duplicate_report: "重复上报（已关联）",
  photo_added: "补充照片",
  acknowledge: "签收",
  fix_photo_requested: "等待整改照片",
  fix: "报告整改完成",
  return: "回退",
  request_extension: "申请延时",
  approve_extension: "批准延时",
  reject_extension: "驳回延时",
  whistle: "吹哨",
  close: "核查通过，结案",
  rework: "返工",
  void: "作废",
  reassign: "改派",
  backlog: "挂账",
  refused: "操作被拒绝",
  reminded: "时限提醒",
  escalated: "升级督办",
  notice_issued: "打印整改通知单",
  deadline_recomputed: "工作日历更新，时限重算",
};

export const ACTOR_ROLE_LABELS: Readonly<Record<string, string>> = {
  handler: "责任路长",
  superior: "上级路长",
  inspector: "督查员",
  admin: "管理员",
  reporter: "上报人",
  other: "",
  system: "系统",
};

export const CHANNEL_LABELS: Readonly<Record<string, string>> = {
  sim: "模拟群",
  lark: "飞书",
  wechat: "微信",
  console: "精细办后台",
};

export const PERSON_ROLE_LABELS: Readonly<Record<PersonRole, string>> = {
  chief1: "一级路长",
  chief2: "二级路长",
  chief3: "三级路长",
  department: "部门联系人",
  inspector: "督查员",
  admin: "管理员",
};

export const C = {
  // Sign-in and sessions
  loginRequired: "请先登录",
  loginFailed: "姓名或密码不正确",
  loginNotOnRoster: (name: string) =>
    `名册中没有名为“${name}”的督查员或管理员：请检查姓名，或请管理员在名册的“督查员”或“管理员”表中添加此人`,
  loginNameAmbiguous: (name: string, n: number) =>
    `名册中有 ${n} 位督查员或管理员都叫“${name}”，无法区分：请管理员在名册中把姓名写得可以区分（如“${name}（城管）”）后再登录`,
  loginThrottled: (minutes: number) => `登录失败次数过多，请 ${minutes} 分钟后再试`,
  csrfFailed: "安全校验失败（页面已过期或请求来源不明），请刷新页面后重试",
  badRequest: "请求参数有误",
  internalError: "服务器内部错误，已记录，请稍后再试",
  caseNotFound: (num: string) => `未找到案件 ${num}`,
  generatedPassword: (password: string) =>
    `精细办后台（/console）初始密码：${password} —— 只显示这一次，请妥善保存；如需更换，请在 .env 中设置 CONSOLE_PASSWORD`,
  passwordFromConfig: "精细办后台密码取自 CONSOLE_PASSWORD",
  // Actions
  actionNotAllowed: "该操作当前不可执行：案件状态可能已经变化，页面已刷新，请按最新状态操作",
  reasonRequired: "请填写原因",
  targetRequired: "请选择改派的路段或人员",
  actionPending: "操作已提交，正在处理，请稍后刷新页面查看结果",
  actionDone: "操作已完成，群聊已收到通知",
  noticeRecorded: "已记录整改通知单发放",
  // Roster
  rosterNoFile: "请选择名册文件（.json、.xlsx 或 .csv）",
  rosterTooLarge: (mb: number) => `文件过大（超过 ${mb} MB）`,
  rosterChecked: "名册检查通过（试运行，未写入）",
  rosterSaved: "已保存",
  loginBusy: "登录请求太多，请一分钟后再试",
  ownRoles: "不能修改自己的角色，请另一位管理员或督查员修改",
  bindingNotFound: "没有这条待确认的身份（可能已被别人处理），请刷新页面",
  bindingSelf: "不能确认自己的身份，请另一位督查员或管理员确认",
  bindingConfirmed: "已确认：此后这个微信号按名册中的这个人处理",
  bindingRejected: "已拒绝：这个微信号继续按普通群成员处理",
  personNotFound: "未找到该人员",
  segmentNotFound: "未找到该路段",
  nameRequired: "姓名不能为空",
  duplicateIdentity: (what: string) => `${what}已被名册中其他人使用`,
  unknownPerson: (id: string) => `名册中没有人员 ${id}`,
  unknownStreet: (name: string) => `名册中没有街道“${name}”`,
  // Lists and exports
  unlocated: "未定位",
  unknownCategory: "未分类",
  noDeadline: "无时限",
  yes: "是",
  no: "否",
  periodTooLong: "统计区间不能超过 3 年",
} as const;

/** Chinese column headers of the case export (整改台账). */
export const CASE_EXPORT_HEADERS = {
  number: "案件编号",
  state: "状态",
  light: "灯色",
  category: "问题类别",
  categoryCode: "类别代码",
  summary: "问题描述",
  location: "上报位置",
  segment: "路段",
  street: "街道",
  department: "责任部门",
  handler: "责任路长",
  reporter: "上报人",
  createdAt: "上报时间",
  deadline: "处置时限",
  acknowledgedAt: "签收时间",
  fixedAt: "整改时间",
  closedAt: "结案时间",
  reworkCount: "返工次数",
  extensionCount: "延期次数",
  urgent: "紧急",
} as const;
