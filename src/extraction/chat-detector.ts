/**
 * Not-a-report detection for the rules extractor: greetings, thanks, acknowledgements, chit-chat,
 * office business (meetings, forms, rankings) and questions to colleagues. Generic Chinese only.
 */

export interface ChatVerdict {
  chat: boolean;
  why: string;
}

/** Words that carry no report by themselves; a message made only of them is small talk. */
const SMALL_TALK =
  /你好|您好|大家好|各位好|早上好|早安|上午好|中午好|下午好|晚上好|晚安|谢谢|多谢|感谢|辛苦了|辛苦|好的|好滴|收到|明白|了解|知道了|没问题|可以|ok|okay|嗯|哦|噢|哈|呵|嘻|赞|点赞|加油|周末愉快|节日快乐|新年快乐|再见|拜拜|早|好|行|对|是|提醒|大家|各位|领导|同志们|老师|了|啊|呀|吧|呢|嘛|啦|哟|的|!|！|。|，|,|\.|~|～|\?|？|\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0f/giu;

/** Office business: meetings, forms, rankings, schedules, meals, weather. */
const OFFICE =
  /开会|会议|例会|推进会|座谈|培训|集合|签到|值班|排班|台账|报表|材料|考核|排名|分数|通知[:：]|文件|汇报|周报|月报|报上来|查收|邮箱|填表|怎么填|怎么用|电话是多少|的电话|在哪|在吗|到了吗|吃饭|吃啥|午饭|晚饭|天气|有雨|下雨|降温|注意安全|下班|上班|周末|放假|请假|巡查任务|任务完成|表扬|付出|机器人/;

/** Asking about a case already reported, or saying one is done: not a new report. */
const STATUS =
  /(?:处理|解决|修|弄|整改|清理|清运)(?:好|完)?了?(?:吗|没|没有|么)|进度|怎么样了|(?:已经|都)(?:处理|解决|修|清理|整改|弄)(?:好|完)了|上次.{0,12}的事|刚才的案件|(?:整改|处理|清理)(?:完毕|完成|到位)/;

const QUESTION_END = /(?:吗|呢|么|没|没有|不|几点|多少|谁)[?？]?$|[?？]$/;

/** Words that say something is wrong even when no category word is known. */
export const PROBLEM_HINT =
  /坏|乱|脏|堵|破|占|漏|臭|吵|危险|隐患|没人管|问题|反映|投诉|举报|管管|处理一下|看看|麻烦|垃圾|烂|塌|缺|掉|倒/;

/** Decides whether a message is chat rather than a report, from its compact text. */
export function detectChat(
  compact: string,
  facts: {
    hasCategory: boolean;
    categoryScore: number;
    hasPlace: boolean;
    mentionsSomeone: boolean;
    hasPhotos: boolean;
  },
): ChatVerdict {
  if (compact.replace(SMALL_TALK, "").trim() === "") return { chat: true, why: "问候、致谢或应答" };
  if (STATUS.test(compact)) return { chat: true, why: "询问或告知已有案件的进展" };
  if (OFFICE.test(compact) && !(facts.hasCategory && facts.hasPlace && facts.categoryScore >= 5)) {
    return { chat: true, why: "工作事务或闲聊" };
  }
  if (!facts.hasCategory && (facts.mentionsSomeone || QUESTION_END.test(compact))) {
    return { chat: true, why: "向同事提问" };
  }
  // A photo with a bare caption ("如图") is a report whose problem is in the picture.
  if (!facts.hasCategory && !facts.hasPlace && !facts.hasPhotos && !PROBLEM_HINT.test(compact)) {
    return { chat: true, why: "未发现问题或位置" };
  }
  return { chat: false, why: "" };
}
