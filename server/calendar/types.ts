// Shared shapes of the working-day calendar (SPEC §4, "Clocks"). Kept apart so the statutory and
// official builders can name them without importing the counting code.

/** 'YYYY-MM-DD', a business date in Asia/Shanghai. */
export type IsoDate = string;

/** An override of the default Mon–Fri rule: a weekday off, or a weekend day worked (调休上班). */
export type DayKind = 'holiday' | 'workday';

export interface DayOverride {
  date: IsoDate;
  kind: DayKind;
  name: string | null;
}

export interface CalendarData {
  /** Years whose State Council schedule is loaded; other years fall back to the statutory list. */
  publishedYears: ReadonlySet<number>;
  /** Official days of published years (rows of an admin-correctable table). */
  overrides: ReadonlyMap<IsoDate, DayOverride>;
}
