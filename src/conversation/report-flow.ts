/** A report: categorize, locate, route, deduplicate, number, dispatch, receipt. */

import { dayKey } from "../core/case-number.ts";
import {
  mergeLocationAnswer,
  readSaidLocation,
  resolveLocation,
  type SaidLocation,
} from "../core/location.ts";
import type { ExtractionResult } from "../core/ports.ts";
import type { RosterIndex } from "../core/roster-index.ts";
import { findDuplicate, routeCase } from "../core/routing.ts";
import { samePlace } from "../core/same-place.ts";
import { categoryLine, deadlineLine, HANDLER_ACTIONS, placeLine } from "./case-view.ts";
import type { CaseRecord } from "./conversation-store.ts";
import { T } from "./texts.ts";
import type { Outcome, Turn } from "./turn.ts";

/** A sayable example of a precise place, from the roster itself (no hard-coded names). */
function locationExample(roster: RosterIndex, roadName?: string): string {
  const road = (roadName && roster.roads.get(roadName)) || roster.roads.values().next().value;
  const crossing = road?.crossings[1]?.name ?? road?.crossings[0]?.name;
  return road && crossing ? `“${road.name}与${crossing}交叉口往东50米”` : "“某路与某路交叉口往东50米”";
}

/** Handles a message the extractor says is a report (or the answer to a pending one). */
export async function handleReport(turn: Turn, ex: ExtractionResult): Promise<Outcome> {
  const { msg, store, deps } = turn;
  const since = new Date(turn.now.getTime() - deps.config.pairingWindowMs);
  const photos = [...msg.imageHashes, ...(await store.takePendingPhotos(msg.chatId, msg.sender.key, since))];

  // An answer to this reporter's question about a pending case completes it.
  const pending = await store.pendingCaseReportedBy(msg.sender.key, msg.chatId);
  if (pending) return completePending(turn, pending, ex, photos);

  if (!ex.isReport) {
    if (photos.length > 0) {
      await store.addPendingPhotos({
        chatId: msg.chatId,
        senderKey: msg.sender.key,
        hashes: photos,
        messageId: msg.messageId,
        at: turn.now,
      });
      await turn.reply(T.photoWaiting, { kind: "question" });
      return { status: "processed", note: "photo waiting for caption" };
    }
    await turn.reply(T.unknown, { kind: "unknown" });
    return { status: "processed", note: "not a report" };
  }
  const problems = ex.problems.length > 0 ? ex.problems : [{ categoryCode: null, summary: "" }];
  for (const problem of problems) {
    await openCase(turn, { ...ex, problems: [problem] }, ex.location, photos);
  }
  return { status: "processed", note: `report: ${problems.length} problem(s)` };
}

async function completePending(
  turn: Turn,
  c: CaseRecord,
  ex: ExtractionResult,
  photos: string[],
): Promise<Outcome> {
  const said = mergeLocationAnswer(turn.roster, readSaidLocation(c.locationText), ex.location);
  const code = c.categoryCode ?? ex.problems[0]?.categoryCode ?? null;
  if (photos.length) await turn.store.attachMedia(c.id, photos, "before", turn.now);
  await turn.event(c, "info_added", { role: "reporter", data: { text: turn.msg.text.slice(0, 500) } });
  const ok = await dispatchIfComplete(turn, c, code, said, ex, photos);
  return { status: "processed", note: ok ? `completed ${c.number}` : `still pending ${c.number}` };
}

/**
 * Creates a case (pending when place or category is missing) or links it to an open duplicate
 * (unless `linkDuplicates` is false: a report split off a case it was wrongly linked to).
 */
export async function openCase(
  turn: Turn,
  ex: ExtractionResult,
  said: SaidLocation,
  photos: string[],
  linkDuplicates = true,
): Promise<void> {
  const { msg, store, deps } = turn;
  const code = ex.problems[0]?.categoryCode ?? null;
  const item = code ? deps.taxonomy.get(code) : undefined;
  const resolved = resolveLocation(turn.roster, said);
  if (item && resolved.ok && linkDuplicates) {
    const open = await store.openCasesOnSegment(resolved.segment.id);
    const dupBrief = findDuplicate(open, item.code, resolved.segment.id, (c) =>
      samePlace(turn.roster, readSaidLocation(c.locationText), said),
    );
    const dup = dupBrief ? await store.caseById(dupBrief.id) : null;
    if (dup) {
      // Everything needed to open the report as its own case if the reporter says it is not the same.
      await turn.event(dup, "duplicate_report", {
        role: "reporter",
        data: {
          text: msg.text.slice(0, 2000),
          reporter: msg.sender.name,
          messageId: msg.messageId,
          categoryCode: item.code,
          summary: ex.problems[0]?.summary ?? "",
          location: said,
          urgent: ex.urgent,
          extractor: ex.extractor,
          reason: ex.reason,
          photos,
        },
      });
      if (photos.length) await store.attachMedia(dup.id, photos, "before", turn.now);
      await turn.reply(T.duplicate(dup.number, dup.state), {
        caseId: dup.id,
        caseNumber: dup.number,
        kind: "duplicate",
      });
      return;
    }
  }
  const created = await store.createCase({
    prefix: deps.config.casePrefix,
    day: dayKey(turn.now, deps.config.timeZone),
    state: "pending",
    categoryCode: item?.code ?? null,
    summary: ex.problems[0]?.summary || item?.name || "",
    locationText: JSON.stringify(said),
    segmentId: null,
    departmentCode: null,
    chatId: msg.chatId,
    channel: msg.channel,
    reporterKey: msg.sender.key,
    reporterName: turn.actorName,
    reporterId: turn.person?.id ?? null,
    handlerId: null,
    coHandlers: [],
    whistled: [],
    urgent: ex.urgent,
    timeLimit: null,
    startedAt: turn.now,
    deadline: null,
    acknowledgedAt: null,
    fixedAt: null,
    closedAt: null,
    reworkCount: 0,
    extensionCount: 0,
    pendingExtension: null,
    duplicateOfId: null,
    extractor: ex.extractor,
    extractorReason: ex.reason,
    sourceMessageId: msg.messageId,
    createdAt: turn.now,
  });
  await turn.event(created, "reported", {
    to: "pending",
    role: "reporter",
    data: { text: msg.text.slice(0, 2000), extractor: ex.extractor, reason: ex.reason },
  });
  if (photos.length) await store.attachMedia(created.id, photos, "before", turn.now);
  await dispatchIfComplete(turn, created, item?.code ?? null, said, ex, photos);
}

/** Dispatches a pending case once it has a category and one segment; otherwise asks. */
async function dispatchIfComplete(
  turn: Turn,
  c: CaseRecord,
  code: string | null,
  said: SaidLocation,
  ex: ExtractionResult,
  photos: string[],
): Promise<boolean> {
  const { store, deps } = turn;
  const item = code ? deps.taxonomy.get(code) : undefined;
  const resolved = resolveLocation(turn.roster, said);
  if (!item || !resolved.ok) {
    // The extractor's question names what exactly is missing (which crossing, which side …);
    // the generic one is the fallback.
    const question = !resolved.ok
      ? (ex.question ?? T.askLocation(locationExample(turn.roster, resolved.road)))
      : T.askCategory;
    await store.updateCase(c.id, { locationText: JSON.stringify(said), categoryCode: item?.code ?? null });
    await turn.reply(T.pendingReceipt(c.number, question), {
      caseId: c.id,
      caseNumber: c.number,
      kind: "question",
    });
    return false;
  }
  const route = routeCase(turn.roster, item, resolved.segment);
  const urgent = ex.urgent || item.urgent_by_default;
  const updated = await store.updateCase(c.id, {
    state: "dispatched",
    categoryCode: item.code,
    summary: c.summary || item.name,
    locationText: JSON.stringify(said),
    segmentId: route.segment.id,
    departmentCode: route.department?.code ?? item.department,
    handlerId: route.handlerId,
    urgent,
    timeLimit: item.time_limit,
    startedAt: turn.now,
    deadline: deps.calendar.deadlineFor(turn.now, item.time_limit),
  });
  await turn.event(updated, "dispatched", {
    from: "pending",
    to: "dispatched",
    role: "system",
    data: {
      segment: route.segment.id,
      how: resolved.how,
      handler: route.handlerId,
      department: updated.departmentCode,
    },
  });
  const handler = turn.personById(route.handlerId) ?? turn.personById(route.superiorIds[0]);
  const dept = route.department?.name ?? updated.departmentCode ?? "";
  await turn.reply(
    [
      `已受理，案件编号 ${updated.number}`,
      `问题：${categoryLine(turn, updated)}`,
      `位置：${placeLine(turn, updated)}`,
      `责任路长：${handler?.name ?? "未配置"}　责任部门：${dept}`,
      `处置时限：${deadlineLine(turn, updated)}${urgent ? "（紧急）" : ""}`,
    ].join("\n"),
    { caseId: updated.id, caseNumber: updated.number, kind: "receipt" },
  );
  await turn.send({
    text: [
      `请处置新案件 ${updated.number}${urgent ? "【紧急】" : ""}`,
      `问题：${categoryLine(turn, updated)}`,
      `描述：${turn.body.slice(0, 200) || "（见照片）"}`,
      `位置：${placeLine(turn, updated)}`,
      `责任部门：${dept}`,
      `截止：${deadlineLine(turn, updated)}`,
      "请回复“收到”签收；整改后回复“已整改”并附照片。",
    ].join("\n"),
    caseId: updated.id,
    caseNumber: updated.number,
    kind: "assignment",
    mention: handler ? [handler] : [],
    actions: HANDLER_ACTIONS,
    imageHashes: photos,
  });
  return true;
}
