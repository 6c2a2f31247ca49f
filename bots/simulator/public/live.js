// Live updates: a Server-Sent Events stream of new transcript entries, and a catch-up fetch of
// everything after the last id seen, run on every (re)connect so nothing sent meanwhile is missed.
import { addEntry } from "./messages.js";
import { $, showToast, state } from "./state.js";
import { TEXT } from "./text.js";

/** Reconnect backoff when the browser gives up on the event stream by itself. */
const RECONNECT_MS = [1000, 2000, 5000, 10000];

let running = null;
let again = false;

/** Fetches every entry after the last one seen; calls while one runs add one more round. */
export function catchUp() {
  if (running) {
    again = true;
    return running;
  }
  running = runCatchUp().finally(() => {
    running = null;
  });
  return running;
}

async function runCatchUp() {
  try {
    do {
      again = false;
      let hasMore = true;
      while (hasMore) {
        const response = await fetch(`/api/sim/messages?after=${state.lastId}`, { cache: "no-store" });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const page = await response.json();
        for (const entry of page.entries) addEntry(entry);
        hasMore = page.hasMore && page.entries.length > 0;
      }
    } while (again);
  } catch (error) {
    console.error("catch-up failed", error);
    showToast(TEXT.loadFailed);
    setTimeout(() => void catchUp(), RECONNECT_MS[1]);
  }
  if ($("messages").querySelector(".msg") === null) $("empty-state").hidden = false;
}

function setConnection(stateName, label) {
  const conn = $("conn");
  conn.dataset.state = stateName;
  conn.querySelector(".conn-text").textContent = label;
}

/** EventSource that catches up after every (re)connect and reopens itself if the browser gives up. */
export function connectEvents(attempt = 0) {
  if (attempt === 0) setConnection("connecting", TEXT.connecting);
  const source = new EventSource("/api/sim/events");
  source.addEventListener("open", () => {
    attempt = 0;
    setConnection("online", TEXT.online);
    void catchUp(); // whatever was sent while we were away
  });
  source.addEventListener("entry", (event) => {
    try {
      addEntry(JSON.parse(event.data));
    } catch (error) {
      console.error("bad event", error);
    }
  });
  source.addEventListener("error", () => {
    setConnection("offline", TEXT.reconnecting);
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      const delay = RECONNECT_MS[Math.min(attempt, RECONNECT_MS.length - 1)];
      setTimeout(() => connectEvents(attempt + 1), delay);
    }
  });
}
