/**
 * Who may reach what (docs/security.md): loopback checks on the client's address (the socket's, or
 * the forwarded one only from a proxy named in TRUST_PROXY), and the environment rules that keep the
 * sign-in-less simulator off the network: it is on by default only without a real chat channel, and
 * the service refuses to start with it on while listening beyond loopback.
 */
import { isIP } from "node:net";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";

/** 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6 (what a dual-stack socket reports). */
export function isLoopbackAddress(ip: string): boolean {
  const v4 = ip.startsWith("::ffff:") ? ip.slice("::ffff:".length) : ip;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || ip === "::1";
}

/** Whether a HOST setting listens on loopback only. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "");
  return h === "localhost" || isLoopbackAddress(h);
}

/**
 * Whether the request comes from this machine. `req.ip` is the socket's address unless the server
 * was built with TRUST_PROXY, and then the client address the trusted proxy forwarded: a proxy on
 * this machine does not make every outside client "local".
 */
export function fromLoopback(req: FastifyRequest): boolean {
  return isLoopbackAddress(req.ip);
}

/** An onRequest hook for routes served to this machine only. */
export function loopbackOnly(message: string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (fromLoopback(req)) return;
    req.log.warn({ ip: req.ip, url: req.url }, "local-only route requested from another address");
    return reply.code(403).type("text/plain; charset=utf-8").send(message);
  };
}

const proxyEntry = z.string().refine((s) => isIP(s.split("/")[0] ?? "") !== 0, {
  message: "应为代理服务器的 IP 或网段（如 127.0.0.1 或 10.0.0.0/8），多个用逗号分隔；或代理层数（如 1）",
});

/**
 * TRUST_PROXY: empty = no proxy (the socket address is the client); a list of proxy addresses or
 * networks = take X-Forwarded-For from those only; a number = that many proxy hops. "true" (trust any
 * sender's header) is refused: whoever reaches the port could then pick their own address.
 */
export const trustProxySchema = z
  .string()
  .default("")
  .transform((s) => s.trim())
  .pipe(
    z.union([
      z.literal("").transform(() => false as const),
      z
        .string()
        .regex(/^\d{1,2}$/)
        .transform(Number),
      z
        .string()
        .transform((s) => s.split(/[\s,，]+/).filter(Boolean))
        .pipe(z.array(proxyEntry).min(1)),
    ]),
  );

export type TrustProxy = false | number | string[];

/** TRUST_PROXY as fastify's `trustProxy` option (a hop count becomes proxy-addr's hop function). */
export function fastifyTrustProxy(
  t: TrustProxy,
): boolean | string[] | ((addr: string, hop: number) => boolean) {
  return typeof t === "number" ? (_addr: string, hop: number) => hop < t : t;
}

/** The simulator is on by default only when no real chat channel (Lark, WeChat) is configured. */
export function simulatorDefault(setting: boolean | undefined, realChannel: boolean): boolean {
  return setting ?? !realChannel;
}

/** The start-up refusal when the simulator would be reachable from the network, or null. */
export function simulatorExposure(host: string, simulator: boolean): string | null {
  if (!simulator || isLoopbackHost(host)) return null;
  return `HOST=${host} 会把网页模拟群聊开放到网络上：模拟器没有登录，任何能访问端口的人都能冒充名册上的任何人。请设置 SIMULATOR=false（接入飞书或微信后默认即关闭），或让 HOST 保持 127.0.0.1（需要外部访问时用反向代理，见 docs/security.md）`;
}
/** Content-Security-Policy of the console and the simulator: only this origin, nothing inline, no frames. */
export const STRICT_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:", "blob:"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};
