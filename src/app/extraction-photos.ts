/** Loads a message's stored photos for the extractor (EXIF GPS, the vision model), by media hash. */
import type { ExtractorImage } from "../core/ports.ts";
import type { PrismaClient } from "../store/generated/client.ts";
import type { MediaStore } from "../store/media-store.ts";

/** Reports rarely need more than the first few photos to be understood. */
const MAX_PHOTOS = 3;

/** A loader of photo bytes by hash; a photo that cannot be read is left out. */
export function extractionPhotoLoader(prisma: PrismaClient, media: MediaStore) {
  return async (hashes: readonly string[]): Promise<ExtractorImage[]> => {
    const out: ExtractorImage[] = [];
    for (const hash of hashes.slice(0, MAX_PHOTOS)) {
      const row = await prisma.media.findUnique({ where: { hash }, select: { path: true, mime: true } });
      if (!row) continue;
      const data = await media.read(row.path).catch(() => null);
      if (data) out.push({ data: new Uint8Array(data), mime: row.mime });
    }
    return out;
  };
}
