/**
 * Time-zone arithmetic through Intl, so the host's own time zone never matters: local day numbers
 * (days since 1970-01-01) and times of day of instants, and back. Shared by the work calendar and the
 * schedule's local dates.
 */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

export interface Zone {
  /** Local day number and millisecond of the day of an instant. */
  localOf(ms: number): { day: number; msOfDay: number };
  /** The instant of a local day number and minute of the day (a wall time in a DST gap lands after it). */
  instantOf(day: number, minuteOfDay: number): number;
}

function createZone(timeZone: string): Zone {
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  /** Offset of local wall time from UTC at an instant, in ms. */
  const offsetAt = (ms: number): number => {
    const f = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    for (const part of fmt.formatToParts(ms)) {
      if (part.type in f) f[part.type as keyof typeof f] = Number(part.value);
    }
    const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
    return wall - (ms - (((ms % 1000) + 1000) % 1000));
  };
  return {
    localOf(ms) {
      const local = ms + offsetAt(ms);
      const day = Math.floor(local / MS_PER_DAY);
      return { day, msOfDay: local - day * MS_PER_DAY };
    },
    instantOf(day, minuteOfDay) {
      const wall = day * MS_PER_DAY + minuteOfDay * MS_PER_MINUTE;
      const guess = wall - offsetAt(wall);
      // Second pass settles the offset near a DST change; a wall time in a gap lands after it.
      return wall - offsetAt(guess);
    },
  };
}

const zones = new Map<string, Zone>();

/** The zone of an IANA time zone name, made once per name (an Intl formatter is costly to build). */
export function zoneOf(timeZone: string): Zone {
  let zone = zones.get(timeZone);
  if (!zone) {
    zone = createZone(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}

/** 'YYYY-MM-DD' of a day number. */
export function isoOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Day number of 'YYYY-MM-DD' (not validated: see the work calendar's option checks for that). */
export function dayOfIso(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / MS_PER_DAY;
}
