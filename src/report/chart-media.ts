/** Keeps a rendered chart like any photo: a content-addressed file plus a Media row, sent by its hash. */
import type { PrismaClient } from "../store/generated/client.ts";
import type { MediaStore } from "../store/media-store.ts";

/** A chart that could not be stored; the message goes out without its image rather than not at all. */
export class ChartStoreError extends Error {
  readonly code = "CHART_STORE_FAILED";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ChartStoreError";
  }
}

/** Saves the PNG and returns its media hash. Idempotent: the same bytes give the same hash and row. */
export async function saveChart(
  deps: { prisma: PrismaClient; media: MediaStore },
  png: Buffer,
  now: Date,
): Promise<string> {
  const saved = await deps.media.save(png);
  if (!saved.ok) throw new ChartStoreError(`chart image refused by the media store: ${saved.reason}`);
  await deps.prisma.media.upsert({
    where: { hash: saved.hash },
    create: { hash: saved.hash, mime: saved.mime, size: saved.size, path: saved.path, createdAt: now },
    update: {},
  });
  return saved.hash;
}
