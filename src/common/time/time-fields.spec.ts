import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsChinaDateOrInstant, IsInstant } from './time-fields';

class Body {
  @IsInstant() at: string;
  @IsChinaDateOrInstant({ optional: true }) by?: string;
}

const check = (plain: object) => {
  const dto = plainToInstance(Body, plain);
  return { dto, fields: validateSync(dto).map((e) => e.property) };
};

describe('time fields', () => {
  it('hand the service the UTC ISO string of the instant', () => {
    const { dto, fields } = check({ at: '2026-12-07T09:00:00+08:00', by: '2026-12-31' });
    expect(fields).toEqual([]);
    expect(dto).toMatchObject({ at: '2026-12-07T01:00:00.000Z', by: '2026-12-31T15:59:59.999Z' });
  });

  it('name the field of a time without an offset, and leave what was sent', () => {
    const { dto, fields } = check({ at: '2026-12-07 09:00', by: '2026-12-31T10:00:00' });
    expect(fields).toEqual(['at', 'by']);
    expect(dto.at).toBe('2026-12-07 09:00');
  });

  it('let an optional field be absent, never a required one', () => {
    expect(check({ at: '2026-12-07T01:00:00Z' }).fields).toEqual([]);
    expect(check({ by: '2026-12-31' }).fields).toEqual(['at']);
    expect(check({ at: 20261207 }).fields).toEqual(['at']);
  });
});

/** Every .ts file under src, but specs. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the time rule is written once', () => {
  it('no DTO declares a time with class-validator’s own date rules (they accept a time without an offset)', () => {
    const offenders = sources(join(__dirname, '..', '..')).filter((f) =>
      /\b(IsISO8601|IsDateString|IsDate|MinDate|MaxDate)\b/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
