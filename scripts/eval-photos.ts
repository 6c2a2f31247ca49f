// `npx tsx scripts/eval-photos.ts` — (re)writes the small test photos of the labelled sets in
// eval/photos/: plain JPEGs whose EXIF carries a GPS position (or none), as a phone would write.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";

const OUT = fileURLToPath(new URL("../eval/photos/", import.meta.url));

/** name → where it was "taken" (WGS-84), or null for a photo without GPS. */
export const EVAL_PHOTOS: Record<string, { lat: number; lng: number } | null> = {
  // 中牟 demo roster
  "zm-sd2-mid.jpg": { lat: 34.7301, lng: 113.9845 }, // 商都大道, 民康路—文明路 (SD-2)
  "zm-qn1.jpg": { lat: 34.7182, lng: 113.9655 }, // 青年路 near 听篌街 (QN-1)
  "zm-mk2.jpg": { lat: 34.703, lng: 113.9812 }, // 民康路, 陇海路—广惠街 (MK-2)
  "zm-ha3.jpg": { lat: 34.7238, lng: 113.9915 }, // 恒安路, 文明路—泰安街 (HA-3)
  "zm-wm1.jpg": { lat: 34.7205, lng: 113.9882 }, // 文明路, 恒安路—青年路 (WM-1)
  "zm-crossing.jpg": { lat: 34.73, lng: 113.981 }, // exactly at 商都大道 × 民康路
  "zm-far.jpg": { lat: 34.8, lng: 114.1 }, // outside the roster's streets
  "zm-nogps.jpg": null,
  // 鹿溪 made-up roster
  "lx-yb2.jpg": { lat: 30.5201, lng: 117.0205 }, // 迎宾大道, 经四路—经五路 (YB-2)
  "lx-bh1.jpg": { lat: 30.502, lng: 117.015 }, // 滨河路, diagonal (BH-1)
  "lx-js2.jpg": { lat: 30.5139, lng: 117.003 }, // 金水路, 经二路 side (JS-2)
  "lx-nogps.jpg": null,
};

/** Decimal degrees → EXIF "deg/1 min/1 sec*100/100". */
function dms(value: number): string {
  const abs = Math.abs(value);
  const deg = Math.floor(abs);
  const minFloat = (abs - deg) * 60;
  const min = Math.floor(minFloat);
  const sec = Math.round((minFloat - min) * 60 * 100);
  return `${deg}/1 ${min}/1 ${sec}/100`;
}

async function main() {
  await mkdir(OUT, { recursive: true });
  let shade = 60;
  for (const [name, gps] of Object.entries(EVAL_PHOTOS)) {
    shade = (shade + 37) % 200;
    let img = sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: shade, g: 120, b: 90 } },
    }).jpeg({
      quality: 70,
    });
    if (gps) {
      img = img.withExif({
        IFD0: { Make: "luzhang-eval" },
        IFD3: {
          GPSLatitudeRef: gps.lat >= 0 ? "N" : "S",
          GPSLatitude: dms(gps.lat),
          GPSLongitudeRef: gps.lng >= 0 ? "E" : "W",
          GPSLongitude: dms(gps.lng),
        },
      });
    }
    await writeFile(path.join(OUT, name), await img.toBuffer());
    console.log(`eval/photos/${name}${gps ? ` ${gps.lat},${gps.lng}` : " (no GPS)"}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
