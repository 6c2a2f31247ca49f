/** Photos for a vision model: upright, at most 1024 px on the long side, JPEG, as data URLs. */
import sharp from "sharp";
import type { ExtractorImage } from "../core/ports.ts";

/** Vision models bill by tiles of ~512 px; 1024 px keeps a street scene legible for 4 tiles at most. */
export const VISION_MAX_SIDE = 1024;
/** A report rarely needs more than the first few photos; each adds latency and tokens. */
export const VISION_MAX_IMAGES = 3;
const JPEG_QUALITY = 80;

/** Data URLs of the first photos sharp can read; unreadable ones are left out (and counted). */
export async function visionDataUrls(
  images: readonly ExtractorImage[],
): Promise<{ urls: string[]; unreadable: number }> {
  const urls: string[] = [];
  let unreadable = 0;
  for (const img of images.slice(0, VISION_MAX_IMAGES)) {
    try {
      const jpeg = await sharp(img.data)
        .rotate()
        .resize({ width: VISION_MAX_SIDE, height: VISION_MAX_SIDE, fit: "inside", withoutEnlargement: true })
        .jpeg({ quality: JPEG_QUALITY })
        .toBuffer();
      urls.push(`data:image/jpeg;base64,${jpeg.toString("base64")}`);
    } catch {
      unreadable += 1;
    }
  }
  return { urls, unreadable };
}
