// Cron expressions as Temporal schedules read them: 5 fields (minute hour
// day-of-month month day-of-week), 6 (+ year) or 7 (second first, + year);
// or @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly; or
// "@every <n><s|m|h|d>[/<phase>]"; optionally prefixed by CRON_TZ= or TZ=
// and followed by a "#" comment. The server validates too, but only with a
// terse message; this names the field and the value at fault.

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const SECOND: FieldRule = { name: 'second', min: 0, max: 59 };
const MINUTE: FieldRule = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldRule = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldRule = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldRule = { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] };
// 7 is Sunday again, as in most crons.
const DAY_OF_WEEK: FieldRule = { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] };
const YEAR: FieldRule = { name: 'year', min: 1970, max: 2999 };

const LAYOUTS: Record<number, FieldRule[]> = {
  5: [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK],
  6: [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR],
  7: [SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR],
};
const SHORTHANDS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const EVERY = /^@every\s+\d+[smhd](\/\d+[smhd])?$/;

function value(text: string, rule: FieldRule): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  const index = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  return index < 0 ? null : index + (rule.name === 'month' ? 1 : 0);
}

function checkField(text: string, rule: FieldRule): string | null {
  for (const part of text.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '') return `${rule.name} field "${text}": "${part}" is not a value, range or step`;
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `${rule.name} field "${text}": step "${step}" must be a positive integer`;
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `${rule.name} field "${text}": "${range}" is not a range`;
    const numbers: number[] = [];
    for (const b of bounds) {
      const n = value(b, rule);
      if (n === null) return `${rule.name} field "${text}": "${b}" is not a number${rule.names ? ` or a name (${rule.names.join(', ')})` : ''}`;
      if (n < rule.min || n > rule.max) return `${rule.name} field "${text}": ${n} is out of range ${rule.min}-${rule.max}`;
      numbers.push(n);
    }
    if (numbers.length === 2 && numbers[0]! > numbers[1]!) return `${rule.name} field "${text}": range ${range} runs backwards`;
  }
  return null;
}

/** Null when the expression is valid, else what is wrong with it. */
export function cronProblem(expression: string): string | null {
  let text = expression.trim();
  const hash = text.indexOf('#');
  if (hash >= 0) text = text.slice(0, hash).trim();
  const tz = /^(CRON_TZ|TZ)=(\S+)\s+/.exec(text);
  if (tz) text = text.slice(tz[0].length);
  if (text === '') return 'empty cron expression';
  if (text.startsWith('@')) {
    if (SHORTHANDS.has(text.toLowerCase()) || EVERY.test(text)) return null;
    return `"${text}" is not a known shorthand (${[...SHORTHANDS].join(', ')}, or "@every <n><s|m|h|d>")`;
  }
  const fields = text.split(/\s+/);
  const layout = LAYOUTS[fields.length];
  if (layout === undefined) return `expected 5 fields (minute hour day-of-month month day-of-week), 6 (+ year) or 7 (second first), got ${fields.length}`;
  for (const [i, rule] of layout.entries()) {
    const problem = checkField(fields[i]!, rule);
    if (problem !== null) return problem;
  }
  return null;
}
