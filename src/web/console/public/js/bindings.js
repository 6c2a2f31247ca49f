// Roster page: WeChat senders known by name only, waiting for console staff to confirm who they are.
import { $, api, el, fmtTime, toast } from "./common.js";

const TEXT = {
  hint: "这些微信号的群昵称与名册中的人同名，但名册里没有登记这个微信号。确认前他们只能上报和查询；确认后按名册中的人处理。请核实后再确认（可请本人在群里说明或电话核实）。",
  columns: ["群昵称", "群", "首次出现", "名册中的人", ""],
  confirm: "确认是本人",
  reject: "不是本人",
};

async function decide(row, decision, buttons) {
  for (const b of buttons) b.disabled = true;
  try {
    const res = await api("/console/api/roster/bindings", {
      method: "POST",
      body: { senderKey: row.senderKey, decision },
    });
    toast(res.message, "success");
    await load();
  } catch (error) {
    toast(error.message, "error");
    for (const b of buttons) b.disabled = false;
  }
}

async function load() {
  const { pending } = await api("/console/api/roster/bindings");
  $("bindings-card").hidden = pending.length === 0;
  const head = $("bindings").querySelector("thead");
  head.replaceChildren(el("tr", {}, ...TEXT.columns.map((c) => el("th", {}, c))));
  $("bindings")
    .querySelector("tbody")
    .replaceChildren(
      ...pending.map((row) => {
        const yes = el("button", { type: "button", className: "btn btn-small btn-primary" }, TEXT.confirm);
        const no = el("button", { type: "button", className: "btn btn-small" }, TEXT.reject);
        yes.addEventListener("click", () => decide(row, "confirm", [yes, no]));
        no.addEventListener("click", () => decide(row, "reject", [yes, no]));
        const who = row.personTitle ? `${row.personName}（${row.personTitle}）` : row.personName;
        return el(
          "tr",
          {},
          el("td", {}, row.senderName),
          el("td", {}, row.chatId),
          el("td", {}, fmtTime(row.firstSeenAt)),
          el("td", {}, who),
          el("td", {}, yes, " ", no),
        );
      }),
    );
}

$("bindings-hint").textContent = TEXT.hint;
load().catch((error) => toast(error.message, "error"));
