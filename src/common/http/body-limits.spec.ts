import type { BodyLimits } from './body-limits';
import { bodyFindingError, inspectBody, scanJson } from './body-limits';

const limits: BodyLimits = { maxDepth: 4, maxKeys: 20, maxObjectKeys: 5 };
const deep = (depth: number): unknown => (depth <= 1 ? { a: 1 } : { a: deep(depth - 1) });

describe('inspectBody', () => {
  it('passes what is within every limit, primitives and empty bodies', () => {
    for (const body of [undefined, null, 42, 'text', [], {}, deep(4), { a: [1, 2, { b: 'x' }], c: { d: [] } }]) {
      expect(inspectBody(body, limits)).toBeUndefined();
    }
  });

  it('counts the body itself as level 1 and refuses the first level past the limit, naming where', () => {
    expect(inspectBody(deep(4), limits)).toBeUndefined();
    expect(inspectBody(deep(5), limits)).toEqual({ kind: 'too_deep', path: 'a.a.a.a' });
    expect(inspectBody([[[[[1]]]]], limits)).toEqual({ kind: 'too_deep', path: '[0][0][0][0]' });
  });

  it('walks 100,000 levels without recursion', () => {
    const body = JSON.parse(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`);
    expect(inspectBody(body, { ...limits, maxDepth: 256, maxKeys: 1000 })).toEqual({
      kind: 'too_deep',
      path: expect.stringMatching(/^a(\.a){255}$/),
    });
  });

  it('refuses an object wider than maxObjectKeys after reading only that many keys', () => {
    expect(inspectBody({ a: 1, b: 2, c: 3, d: 4, e: 5 }, limits)).toBeUndefined();
    expect(inspectBody({ x: [{ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }] }, limits)).toEqual({ kind: 'object_too_wide', path: 'x[0]' });
  });

  it('counts object keys and array items together against maxKeys', () => {
    expect(inspectBody({ list: Array(19).fill(0) }, limits)).toBeUndefined();
    expect(inspectBody({ list: Array(20).fill(0) }, limits)).toEqual({ kind: 'too_many_keys' });
    expect(
      inspectBody(
        [
          { a: 1, b: 1, c: 1, d: 1, e: 1 },
          { a: 1, b: 1, c: 1, d: 1, e: 1 },
          { a: 1, b: 1, c: 1, d: 1, e: 1 },
          { a: 1, b: 1, c: 1, d: 1, e: 1 },
        ],
        limits,
      ),
    ).toEqual({
      kind: 'too_many_keys',
    });
  });

  it('finds a NUL in any string or key and names its path', () => {
    expect(inspectBody({ text: 'a\u0000b' }, limits)).toEqual({ kind: 'nul', path: 'text' });
    expect(inspectBody({ contacts: [{ name: 'ok' }, { name: '\u0000' }] }, limits)).toEqual({ kind: 'nul', path: 'contacts[1].name' });
    expect(inspectBody({ attributes: { 'qos\u0000': 'gold' } }, limits)).toEqual({ kind: 'nul', path: 'attributes.qos\\u0000' });
    expect(inspectBody(['\u0000'], limits)).toEqual({ kind: 'nul', path: '[0]' });
    expect(inspectBody('\u0000', limits)).toEqual({ kind: 'nul', path: '' });
  });

  it('answers 413 for too much and 400 for too deep or a NUL, each naming its limit or field', () => {
    expect(bodyFindingError({ kind: 'too_many_keys' }, limits, 'body')).toMatchObject({
      kind: 'payload_too_large',
      extensions: { limit: 20 },
    });
    expect(bodyFindingError({ kind: 'object_too_wide', path: 'x' }, limits, 'body')).toMatchObject({ kind: 'payload_too_large' });
    expect(bodyFindingError({ kind: 'too_deep', path: 'a.a' }, limits, 'body')).toMatchObject({
      kind: 'bad_request',
      code: 'MALFORMED_REQUEST',
      message: expect.stringMatching(/deep.*4 levels.*a\.a/),
    });
    expect(bodyFindingError({ kind: 'nul', path: 'q' }, limits, 'query')).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'q', message: expect.stringMatching(/NUL/) }],
    });
    expect(bodyFindingError({ kind: 'nul', path: '' }, limits, 'body').errors).toEqual([{ field: 'body', message: expect.any(String) }]);
  });
});

describe('scanJson (the raw body, before it is parsed)', () => {
  const scan = (value: unknown, l: BodyLimits = limits) =>
    scanJson(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), l);

  it('agrees with the walk of the parsed body on every limit, with the same paths', () => {
    const bodies = [
      deep(4),
      deep(5),
      [[[[[1]]]]],
      { a: [1, 2, { b: 'x' }], c: { d: [] } },
      { x: [{ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }] },
      { list: Array(19).fill(0) },
      { list: Array(20).fill(0) },
      { 'a"b': { 'c\\d': [{}, { 'é,}': [[[1]]] }] } },
      { items: [{ attributes: deep(3) }] },
      [],
      {},
      'text',
      42,
    ];
    for (const body of bodies) {
      const walked = inspectBody(body, limits);
      expect({ body, finding: scan(body) }).toEqual({ body, finding: walked?.kind === 'nul' ? undefined : walked });
    }
  });

  it('is not fooled by brackets, braces, commas and escaped quotes inside strings', () => {
    expect(scan({ a: '{{{{{{{{[[[[[[,,,,,,,,,,,,,,,,,,,,,,,,,,,,\\"' })).toBeUndefined();
    expect(scan('{"a\\"{{{{{{":"]]]]\\\\","b":1}')).toBeUndefined();
  });

  it('stops at the first key past the limit, and at the first level past it, without reading further', () => {
    const wide = `{${[...Array(6)].map((_, i) => `"k${i}":1`).join(',')},` + 'garbage that is never read';
    expect(scan(wide)).toEqual({ kind: 'object_too_wide', path: '' });
    expect(scan(`${'['.repeat(5)}garbage`)).toEqual({ kind: 'too_deep', path: '[0][0][0][0]' });
    expect(scan(`{"items":[{"attributes":${'{"a":'.repeat(3000)}`, { ...limits, maxDepth: 32, maxKeys: 1000 })).toEqual({
      kind: 'too_deep',
      path: expect.stringMatching(/^items\[0\]\.attributes(\.a){29}$/),
    });
  });

  it('leaves malformed JSON to the parser', () => {
    for (const raw of ['', '{', '{"a":', ']]]]', '{"a":1}}', 'nonsense']) expect(scan(raw)).toBeUndefined();
  });
});
