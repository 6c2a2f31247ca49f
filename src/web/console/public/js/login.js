// Sign-in page: fetch a CSRF token, post name and password, go where the user was headed.
import { $, ApiError, api, session } from "./common.js";
import { TEXT } from "./texts.js";

function nextUrl() {
  const next = new URLSearchParams(location.search).get("next") ?? "";
  // Only paths inside the console: never an open redirect.
  return /^\/console(\/|$|\?)/.test(next) && !next.startsWith("//") ? next : "/console/";
}

function showError(message) {
  const node = $("login-error");
  node.textContent = message;
  node.hidden = false;
}

async function start() {
  const form = $("login-form");
  const button = $("login-btn");
  try {
    session.csrfToken = (await api("/console/api/login")).csrfToken;
  } catch (error) {
    showError(error.message);
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").hidden = true;
    button.disabled = true;
    button.textContent = TEXT.loginBusy;
    try {
      await api("/console/api/login", {
        method: "POST",
        body: { name: $("name").value.trim(), password: $("password").value },
      });
      // A session cookie the browser refused (Secure over plain HTTP) shows up here, not as a loop.
      const check = await fetch("/console/api/session", { credentials: "same-origin" });
      if (check.status === 401) {
        showError(TEXT.cookieBlocked);
        return;
      }
      location.assign(nextUrl());
    } catch (error) {
      showError(error instanceof ApiError ? error.message : TEXT.networkError);
      if (error instanceof ApiError && error.status === 403) {
        session.csrfToken = (await api("/console/api/login").catch(() => ({ csrfToken: "" }))).csrfToken;
      }
    } finally {
      button.disabled = false;
      button.textContent = TEXT.loginSubmit;
    }
  });
  document.body.dataset.ready = "true";
}

start();
