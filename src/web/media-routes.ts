/** Serves stored photos by content hash (GET /media/:hash). */
import type { FastifyInstance } from "fastify";
import type { PrismaClient } from "../store/generated/client.ts";
import type { MediaStore } from "../store/media-store.ts";

const HASH_RE = /^[0-9a-f]{64}$/;

export function registerMediaRoutes(app: FastifyInstance, deps: { prisma: PrismaClient; media: MediaStore }) {
  app.get<{ Params: { hash: string } }>("/media/:hash", async (req, reply) => {
    const hash = req.params.hash;
    if (!HASH_RE.test(hash)) return reply.code(400).send({ error: "无效的图片编号" });
    const row = await deps.prisma.media.findUnique({ where: { hash } });
    if (!row) return reply.code(404).send({ error: "图片不存在" });
    const bytes = await deps.media.read(row.path);
    // Content-addressed: the bytes under a hash never change.
    return reply
      .type(row.mime)
      .header("cache-control", "public, max-age=31536000, immutable")
      .header("x-content-type-options", "nosniff")
      .send(bytes);
  });
}
