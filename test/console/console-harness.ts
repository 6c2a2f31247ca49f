/**
 * The whole service with the console on a real port (for Chromium) and helpers for request tests:
 * sign in through the API as a browser would, keep cookies, send CSRF tokens.
 */
import type { AddressInfo } from "node:net";
import type { LightMyRequestResponse } from "fastify";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";

export const CONSOLE_PASSWORD = "correct-horse-battery";
/** An inspector (督查员) of the demo roster. */
export const INSPECTOR = "廖红梅";

export interface ConsoleApp extends TestApp {
  baseUrl: string;
}

/** The demo county with the console, listening on 127.0.0.1 on a free port. */
export async function startConsoleApp(
  opts: { env?: Record<string, string>; now?: string } = {},
): Promise<ConsoleApp> {
  const t = await startTestApp({
    env: { CONSOLE_PASSWORD, ...opts.env },
    ...(opts.now ? { now: opts.now } : {}),
  });
  await t.app.server.listen({ host: "127.0.0.1", port: 0 });
  const port = (t.app.server.server.address() as AddressInfo).port;
  return Object.assign(t, { baseUrl: `http://127.0.0.1:${port}` });
}

/** Cookies a response set, as `name=value` pairs (later ones replace earlier ones). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; expires?: Date }[]) {
      if (c.value === "" || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
}

/** A signed-in API client over fastify's inject. */
export interface ConsoleClient {
  jar: CookieJar;
  csrf: string;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

/** Signs in (or tries to) and returns the client with its cookies and CSRF token. */
export async function signIn(
  t: TestApp,
  name = INSPECTOR,
  password = CONSOLE_PASSWORD,
): Promise<{ client: ConsoleClient; login: LightMyRequestResponse }> {
  const jar = new CookieJar();
  const server = t.app.server;
  const pre = await server.inject({ method: "GET", url: "/console/api/login" });
  jar.take(pre);
  const login = await server.inject({
    method: "POST",
    url: "/console/api/login",
    headers: { cookie: jar.header(), "x-csrf-token": (pre.json() as { csrfToken: string }).csrfToken },
    payload: { name, password },
  });
  jar.take(login);
  const client: ConsoleClient = {
    jar,
    csrf: "",
    get: async (url) => {
      const res = await server.inject({ method: "GET", url, headers: { cookie: jar.header() } });
      jar.take(res);
      return res;
    },
    post: async (url, payload, headers = {}) => {
      const res = await server.inject({
        method: "POST",
        url,
        headers: { cookie: jar.header(), "x-csrf-token": client.csrf, ...headers },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
      jar.take(res);
      return res;
    },
  };
  if (login.statusCode === 200) {
    const session = await client.get("/console/api/session");
    client.csrf = (session.json() as { csrfToken: string }).csrfToken;
  }
  return { client, login };
}
