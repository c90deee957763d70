import 'reflect-metadata';
import fastJson from 'fast-json-stringify';
import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../pagination/page';
import { serializationSchema } from './serialized-as';

class RowDto {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ nullable: true, type: Date }) closedAt: Date | null;
  @ApiProperty() createdAt: Date;
}

// The route schema @SerializedPageOf installs, compiled the way Fastify compiles it.
const write = fastJson(serializationSchema(PageOf(RowDto)) as unknown as Parameters<typeof fastJson>[0]);

const row = (over: Partial<RowDto> = {}): RowDto => ({
  id: 'a1',
  note: null,
  active: true,
  version: 3,
  closedAt: null,
  createdAt: new Date('2026-11-30T08:00:00.123Z'),
  ...over,
});

describe('SerializedPageOf', () => {
  it('takes the page fields, their order and the item fields from PageOf', () => {
    const schema = serializationSchema(PageOf(RowDto)) as { properties: Record<string, { items?: { properties: object } }> };
    expect(Object.keys(schema.properties)).toEqual(['items', 'total', 'totalCapped', 'limit', 'offset']);
    expect(Object.keys(schema.properties.items.items!.properties)).toEqual(['id', 'note', 'active', 'version', 'closedAt', 'createdAt']);
  });

  it('writes a page byte for byte as JSON.stringify does, counted or capped, empty or not', () => {
    const pages = [
      {
        items: [row(), row({ id: 'b"2\u2028', note: '佛山 \\ x', active: false, closedAt: new Date('2026-12-01T00:00:00Z') })],
        total: 2,
        limit: 50,
        offset: 0,
      },
      { items: [row()], total: 10_000, totalCapped: true, limit: 1, offset: 7 },
      { items: [], total: 0, limit: 50, offset: 0 },
    ];
    for (const page of pages) expect(write(page)).toBe(JSON.stringify(page));
  });

  it('still writes a field the metadata does not describe', () => {
    const page = { items: [{ ...row(), extra: [1, { a: 'b' }] }], total: 1, limit: 50, offset: 0, cursor: 'c' };
    expect(write(page)).toBe(JSON.stringify(page));
  });
});
