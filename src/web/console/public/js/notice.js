// 整改通知单: a printable A4 rectification notice for one case. Printing records that it was issued.
import { $, api, caseHref, el, fmtTime, session, toast } from "./common.js";
import { TEXT } from "./texts.js";

const HASH = /^[0-9a-f]{64}$/;
const number = new URLSearchParams(location.search).get("n") ?? "";

function fill(c) {
  $("title").textContent = TEXT.noticeTitle;
  $("no").textContent = TEXT.noticeNo(c.number);
  $("to-label").textContent = TEXT.noticeTo;
  const handler = c.handler ? `${c.handler.name}${c.handler.title ? `（${c.handler.title}）` : ""}` : "";
  $("to").textContent = [c.department, handler].filter(Boolean).join(" · ") || "—";
  const [fNumber, fCategory, fSummary, fPlace, fStreet, fFound, fLimit, fDepartment] = TEXT.noticeFields;
  const rows = [
    [fNumber, c.number],
    [fCategory, c.category],
    [fSummary, c.summary],
    [fPlace, [c.place, c.locationText].filter(Boolean).join("；")],
    [fStreet, c.segment?.street ?? ""],
    [fFound, fmtTime(c.createdAt)],
    [fLimit, `${c.timeLimit}${c.deadline ? `，截止 ${fmtTime(c.deadline)}` : ""}`],
    [fDepartment, c.department],
  ];
  $("fields").tBodies[0].replaceChildren(
    ...rows.map(([k, v]) => el("tr", {}, el("th", { text: k }), el("td", { text: v || "—" }))),
  );
  const photos = c.photos.before.filter((p) => HASH.test(p.hash)).slice(0, 2);
  $("photos").replaceChildren(...photos.map((p) => el("img", { src: `/media/${p.hash}`, alt: TEXT.before })));
  $("photos").hidden = photos.length === 0;
  $("requirement").textContent = TEXT.noticeRequirement(c.deadline ? fmtTime(c.deadline) : c.timeLimit);
  $("issuer").textContent = TEXT.noticeIssuer;
  $("signer").textContent = `${TEXT.noticeSigner}${session.name}`;
  $("issue-date").textContent = `${TEXT.noticeDate}${fmtTime(new Date().toISOString()).slice(0, 10)}`;
  $("receiver").textContent = TEXT.noticeReceiver;
  $("receive-date").textContent = TEXT.noticeDate;
  $("footer").textContent = TEXT.noticeFooter;
  $("back").href = caseHref(c.number);
  $("sheet").hidden = false;
}

async function start() {
  try {
    Object.assign(session, await api("/console/api/session"));
    const c = await api(`/console/api/cases/${encodeURIComponent(number)}`);
    document.title = `${TEXT.noticeTitle} ${c.number}`;
    fill(c);
    const print = $("print");
    print.textContent = TEXT.print;
    print.disabled = false;
    print.addEventListener("click", async () => {
      try {
        await api(`/console/api/cases/${encodeURIComponent(c.number)}/notice`, { method: "POST" });
        $("status").textContent = TEXT.printed;
      } catch (error) {
        toast(error.message, "error");
      }
      window.print();
    });
    document.body.dataset.ready = "true";
  } catch (error) {
    $("error").textContent = error.status === 404 ? TEXT.caseNotFound : error.message;
    $("error").hidden = false;
  }
}

start();
