/** Where a photo was taken, from its EXIF GPS tags (exifr). Most chat apps strip EXIF; some keep it. */
import type { LatLng } from "../core/geo.ts";
import type { ExtractorImage } from "../core/ports.ts";

/** The first photo with a usable GPS position, or undefined. Unreadable files are skipped. */
export async function photoPosition(images: readonly ExtractorImage[]): Promise<LatLng | undefined> {
  if (images.length === 0) return undefined;
  // Loaded at the first photo, not at start: most reports are text, and exifr costs ~13 MB of RSS.
  const { default: exifr } = await import("exifr");
  for (const img of images) {
    try {
      const gps = await exifr.gps(img.data);
      const lat = gps?.latitude;
      const lng = gps?.longitude;
      // (0, 0) is what some cameras write when they had no fix.
      if (Number.isFinite(lat) && Number.isFinite(lng) && !(lat === 0 && lng === 0)) return { lat, lng };
    } catch {
      // Not an image exifr can read (or no EXIF block): no position from this photo.
    }
  }
  return undefined;
}
