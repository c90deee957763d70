import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { invalidFields } from '../common/errors/common-errors';
import { NATIONWIDE } from '../common/auth/region-scope';
import { Region } from './region.entity';
import { allRegions } from './regions.repository';

export const REGION_CODE = /^[0-9]{6}$/;

/**
 * The reference table is small (≈3,300 rows) and changes only by migration,
 * so it is held in memory: validating a region costs no query.
 */
@Injectable()
export class RegionsService implements OnModuleInit {
  private byCode = new Map<string, Region>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const all = await allRegions(this.dataSource.manager);
    this.byCode = new Map(all.map((r) => [r.code, r]));
  }

  find(code: string): Region | undefined {
    return this.byCode.get(code);
  }

  /** The region, its city and its province, most specific first. */
  chain(code: string): Region[] {
    const out: Region[] = [];
    for (let r = this.byCode.get(code); r; r = r.parentCode ? this.byCode.get(r.parentCode) : undefined) out.push(r);
    return out;
  }

  list(filter: { parent?: string; level?: string }): Region[] {
    return [...this.byCode.values()]
      .filter((r) => (filter.parent === undefined || r.parentCode === filter.parent) && (!filter.level || r.level === filter.level))
      .sort((a, b) => a.code.localeCompare(b.code));
  }

  /** Throws a 400 naming the field unless every code is a known GB/T 2260 region. */
  assertKnown(field: string, ...codes: string[]): void {
    const bad = codes.filter((c) => !this.byCode.has(c));
    if (bad.length) throw invalidFields(...bad.map(() => ({ field, message: 'is not a GB/T 2260 region code in the reference table' })));
  }

  /** Staff scopes: a known region code or CN for the whole country. */
  assertScopes(field: string, codes: string[]): void {
    const bad = codes.filter((c) => c !== NATIONWIDE && !this.byCode.has(c));
    if (bad.length)
      throw invalidFields({ field, message: `unknown region code(s): ${bad.join(', ')} (use a GB/T 2260 code or ${NATIONWIDE})` });
  }
}
