/**
 * The console's password and cookie-signing secret. CONSOLE_PASSWORD and SESSION_SECRET win; without
 * them a password is generated at first start (printed once in the log, only its scrypt hash kept in
 * the Setting table) and a secret is generated and kept there too, so sessions survive restarts.
 */
import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import type { Logger } from "pino";
import type { PrismaClient } from "../../store/generated/client.ts";
import type { ConsoleConfig } from "./console-config.ts";
import { C } from "./console-texts.ts";

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** Setting keys. */
export const PASSWORD_HASH_KEY = "console.passwordHash";
export const SESSION_SECRET_KEY = "console.sessionSecret";

/** scrypt cost: N = 2^15, r = 8 (OWASP's minimum for scrypt), ~50 ms per try here. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;
/** Generated passwords: 16 characters without look-alikes (0/O, 1/l/I), ~90 bits. */
const PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
const PASSWORD_LENGTH = 16;

export interface ConsoleSecrets {
  /** Whether `password` is the console password (constant time). */
  verifyPassword(password: string): Promise<boolean>;
  /** Signs cookies and CSRF tokens. */
  sessionSecret: string;
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize("NFKC"), salt, KEY_LENGTH, SCRYPT);
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64"), hash.toString("base64")].join("$");
}

/** Checks a password against `hashPassword` output; false for a malformed hash. */
export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split("$");
  if (kind !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const got = await scryptAsync(password.normalize("NFKC"), Buffer.from(salt, "base64"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

function generatePassword(): string {
  let out = "";
  for (let i = 0; i < PASSWORD_LENGTH; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}

const sha256 = (s: string) => createHash("sha256").update(s.normalize("NFKC")).digest();

/** Reads or creates the console's secrets. Logs a generated password once, at the start that made it. */
export async function loadConsoleSecrets(deps: {
  prisma: PrismaClient;
  config: ConsoleConfig;
  log: Logger;
}): Promise<ConsoleSecrets> {
  const { prisma, config, log } = deps;
  const configured = config.readPassword();
  let verifyPassword: ConsoleSecrets["verifyPassword"];
  if (configured !== null) {
    const expected = sha256(configured);
    verifyPassword = async (password) => timingSafeEqual(sha256(password), expected);
    log.info(C.passwordFromConfig);
  } else {
    let row = await prisma.setting.findUnique({ where: { key: PASSWORD_HASH_KEY } });
    if (!row) {
      const password = generatePassword();
      row = await prisma.setting.create({
        data: { key: PASSWORD_HASH_KEY, value: await hashPassword(password) },
      });
      log.warn(C.generatedPassword(password));
    }
    const stored = row.value;
    verifyPassword = (password) => checkPassword(password, stored);
  }

  let sessionSecret = config.readSessionSecret();
  if (sessionSecret === null) {
    const row = await prisma.setting.findUnique({ where: { key: SESSION_SECRET_KEY } });
    sessionSecret =
      row?.value ??
      (
        await prisma.setting.create({
          data: { key: SESSION_SECRET_KEY, value: randomBytes(32).toString("hex") },
        })
      ).value;
  }
  return { verifyPassword, sessionSecret };
}
