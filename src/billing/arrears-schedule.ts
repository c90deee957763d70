/** The zone of every "daily" job and of every calendar day in billing (docs/ARCHITECTURE.md). */
export const CHINA_TZ = 'Asia/Shanghai';

/**
 * The daily arrears check's schedule for ARREARS_RUN_AT ('HH:MM', China
 * time): a cron pattern read in Asia/Shanghai, so the run is at that time
 * of day in China whatever the zone of the server or of Redis.
 */
export function arrearsSchedule(runAt: string): { pattern: string; tz: string } {
  const [hours, minutes] = runAt.split(':').map(Number);
  return { pattern: `${minutes} ${hours} * * *`, tz: CHINA_TZ };
}
