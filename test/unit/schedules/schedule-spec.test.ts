import { ScheduleOverlapPolicy } from '@temporalio/client';
import { buildScheduleSpec, cronProblem, DEFAULT_CATCHUP_WINDOW_MS, ScheduleSpecError } from '../../../src/temporal/schedules';

// Pure validation: no server needed.

test.each([
  '0 2 * * *', '*/15 9-17 * * MON-FRI', '0 0 1 JAN,JUL *', '30 0 12 * * * 2027', '0 12 * * 1-5 2030',
  '@daily', '@hourly', '@every 5m', '@every 1h/15m', 'CRON_TZ=Europe/Paris 0 8 * * *', '0 8 * * * # morning digest', '0 0 * * 7',
])('valid cron %p', (expr) => {
  expect(cronProblem(expr)).toBeNull();
});

test.each([
  ['61 * * * *', 'minute field "61": 61 is out of range 0-59'],
  ['0 24 * * *', 'hour field "24": 24 is out of range 0-23'],
  ['0 0 0 * *', 'day-of-month field "0": 0 is out of range 1-31'],
  ['0 0 * FOO *', 'month field "FOO": "FOO" is not a number or a name (JAN, FEB'],
  ['0 0 * * *', null],
  ['*/0 * * * *', 'minute field "*/0": step "0" must be a positive integer'],
  ['0 17-9 * * *', 'hour field "17-9": range 17-9 runs backwards'],
  ['0 0 * *', 'expected 5 fields (minute hour day-of-month month day-of-week), 6 (+ year) or 7 (second first), got 4'],
  ['@fortnightly', '"@fortnightly" is not a known shorthand'],
  ['', 'empty cron expression'],
])('cron %p: %p', (expr, problem) => {
  if (problem === null) expect(cronProblem(expr)).toBeNull();
  else expect(cronProblem(expr)).toContain(problem);
});

test('an interval spec maps onto Temporal with the overlap policy and catch-up window always explicit', () => {
  const built = buildScheduleSpec({ every: '5s' });
  expect(built.spec).toEqual({ intervals: [{ every: 5_000 }] });
  expect(built.policies).toEqual({ overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: DEFAULT_CATCHUP_WINDOW_MS, pauseOnFailure: false });
  const cron = buildScheduleSpec({ cron: '0 2 * * *', timezone: 'Europe/Paris', overlap: 'buffer-one', catchupWindow: '1h', jitter: '30s' });
  expect(cron.spec).toEqual({ cronExpressions: ['0 2 * * *'], timezone: 'Europe/Paris', jitter: 30_000 });
  expect(cron.policies).toMatchObject({ overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindow: 3_600_000 });
});

test('every problem of a spec is reported at once, each with its path', () => {
  let error: unknown;
  try {
    buildScheduleSpec({ cron: ['0 2 * * *', '61 * * * *'], every: 'soon', timezone: 'Mars/Olympus', catchupWindow: '2s', overlap: 'queue' as never });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ScheduleSpecError);
  expect((error as ScheduleSpecError).problems).toEqual([
    'schedule.cron[1] "61 * * * *": minute field "61": 61 is out of range 0-59',
    'schedule.every: "soon" is not a duration; use e.g. "5s", "90 seconds", "2m", "1h", "1d"',
    'schedule.catchupWindow: 2000 ms is below the minimum of 10000 ms',
    'schedule: set "cron" or "every", not both',
    'schedule.timezone: "Mars/Olympus" is not an IANA time zone',
    'schedule.overlap: "queue" is not one of skip, buffer-one, buffer-all, cancel-other, terminate-other, allow-all',
  ]);
  expect(() => buildScheduleSpec({})).toThrow('schedule: set "cron" or "every"');
  expect(() => buildScheduleSpec({ every: '500ms' })).toThrow('schedule.every: 500 ms is below the minimum of 1000 ms');
});
