import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import type { TestApp } from '../support/test-app';
import { startTestApp } from '../support/test-app';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);

interface Schema {
  type?: string;
  format?: string;
  $ref?: string;
  enum?: string[];
  items?: Schema;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  [key: string]: unknown;
}
interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  'x-roles'?: string[];
  parameters?: { name: string; in: string; schema?: Schema }[];
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Doc {
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** Every number in a schema tree with the property name it sits under. */
function numbers(schema: Schema | undefined, name = '', out: { name: string; schema: Schema }[] = []) {
  if (!schema) return out;
  if (schema.type === 'number' || schema.type === 'integer') out.push({ name, schema });
  for (const [p, s] of Object.entries(schema.properties ?? {})) numbers(s, p, out);
  numbers(schema.items, name, out);
  for (const s of schema.allOf ?? []) numbers(s, name, out);
  return out;
}

/** Type-checks `source` beside the generated client; returns the compiler's messages. */
function typeCheck(dir: string, file: string, source: string): string[] {
  const path = join(dir, file);
  const host = ts.createCompilerHost({});
  const read = host.readFile.bind(host);
  host.readFile = (f) => (resolve(f) === path ? source : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => resolve(f) === path || exists(f);
  const program = ts.createProgram(
    [path],
    { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true },
    host,
  );
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the OpenAPI document is good enough to generate a client from', () => {
  let t: TestApp;
  let doc: Doc;
  let dir: string;
  let docFile: string;
  const ops = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );

  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http().get('/api/docs-json').expect(200)).body as Doc;
    dir = await mkdtemp(join(tmpdir(), 'focus-one-openapi-'));
    docFile = join(dir, 'openapi.json');
    await writeFile(docFile, JSON.stringify(doc));
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gives every operation a summary and a description naming its roles, also as x-roles', () => {
    const missing = ops().filter(({ op }) => !op.summary || !/Roles: /.test(op.description ?? '') || !Array.isArray(op['x-roles']));
    expect(missing.map((m) => m.key)).toEqual([]);
    const create = doc.paths['/api/v1/faults'].post;
    expect(create['x-roles']).toEqual(['admin', 'director', 'agent', 'account_manager']);
    expect(create.description).toContain('Roles: admin, director, agent, account_manager.');
    expect(doc.paths['/api/v1/auth/token'].post['x-roles']).toEqual([]);
    expect(doc.paths['/api/v1/faults'].get['x-roles']).toEqual(expect.arrayContaining(['engineer', 'billing', 'fulfilment']));
  });

  it('types whole numbers as integers, money in fen as int64, and states the validation limits', () => {
    const all = [
      ...Object.entries(doc.components.schemas).flatMap(([, s]) => numbers(s)),
      ...ops().flatMap(({ op }) => (op.parameters ?? []).flatMap((p) => numbers(p.schema, p.name))),
    ];
    expect(all.length).toBeGreaterThan(100);
    expect(
      all.filter((n) => n.schema.type === 'number' && !['double', 'float'].includes(n.schema.format ?? '')).map((n) => n.name),
    ).toEqual([]);
    const fen = all.filter((n) => n.name.endsWith('Fen'));
    expect(fen.length).toBeGreaterThan(10);
    expect(fen.filter((n) => n.schema.format !== 'int64').map((n) => n.name)).toEqual([]);

    const fault = doc.components.schemas.CreateFaultDto.properties!;
    expect(fault.title).toMatchObject({ minLength: 1, maxLength: 200 });
    expect(fault.reporterMobile.pattern).toBe('^1[3-9][0-9]{9}$');
    expect(doc.components.schemas.UpdateFaultDto.properties!.expectedVersion).toMatchObject({ type: 'integer', minimum: 1 });
    const limit = doc.paths['/api/v1/faults'].get.parameters!.find((p) => p.name === 'limit')!;
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: expect.any(Number) });
    const amount = Object.values(doc.components.schemas)
      .flatMap((s) => Object.entries(s.properties ?? {}))
      .find(([n, s]) => n === 'amountFen' && s.maximum);
    expect(amount?.[1]).toMatchObject({ type: 'integer', format: 'int64', maximum: 100_000_000_000 });
    const arrays = Object.values(doc.components.schemas)
      .flatMap((s) => Object.values(s.properties ?? {}))
      .filter((p) => p.type === 'array');
    expect(arrays.some((p) => typeof p.maxItems === 'number')).toBe(true);
  });

  it('lists the problem codes each route gives per status, and the extension members', () => {
    const codes = (path: string, method: string, status: string) =>
      doc.paths[path][method].responses[status].content!['application/problem+json'].schema!.properties!.code.enum!;
    expect(codes('/api/v1/faults/{id}/transitions', 'post', '409')).toEqual(
      expect.arrayContaining(['FAULT_ILLEGAL_TRANSITION', 'STALE_VERSION', 'IDEMPOTENCY_KEY_IN_PROGRESS']),
    );
    expect(codes('/api/v1/faults/{id}/transitions', 'post', '409')).not.toContain('ORDER_ILLEGAL_TRANSITION');
    expect(codes('/api/v1/faults', 'post', '404')).toEqual(expect.arrayContaining(['FAULT_NOT_FOUND', 'NOT_FOUND']));
    expect(codes('/api/v1/faults', 'post', '400')).toEqual(expect.arrayContaining(['VALIDATION_FAILED', 'MALFORMED_REQUEST']));
    expect(codes('/api/v1/orders', 'post', '409')).toContain('ORDER_CUSTOMER_IN_ARREARS');
    const members = Object.keys(doc.components.schemas.ProblemDto.properties!);
    expect(members).toEqual(
      expect.arrayContaining([
        'errors',
        'errorsOmitted',
        'allowedTransitions',
        'currentVersion',
        'sourceRefs',
        'existingPaymentId',
        'overdueFen',
        'oldestOverdueDate',
      ]),
    );
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('generates a TypeScript client that accepts a right call and refuses a wrong one', async () => {
    const out = join(dir, 'client');
    await run(process.execPath, [bin('openapi-ts'), '-i', docFile, '-o', out, '-p', '@hey-api/typescript'], { cwd: ROOT });
    const types = await readFile(join(out, 'types.gen.ts'), 'utf8');
    expect(types).toContain('CreateFaultDto');

    const call = (reportedVia: string, mobile: string) => `
      import type { CreateFaultDto, ProblemDto } from './client/types.gen.js';
      const body: CreateFaultDto = {
        customerId: '0b7f2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66',
        category: 'fault',
        severity: 'critical',
        title: '专线中断',
        description: '光猫LOS灯红',
        reportedVia: ${reportedVia},
        reporterName: '李娜',
        reporterMobile: ${mobile},
      };
      const problem: ProblemDto = { type: 't', title: 't', status: 409, detail: 'd', code: 'STALE_VERSION', currentVersion: 4 };
      export { body, problem };
    `;
    expect(typeCheck(dir, 'good.ts', call(`'hotline'`, `'13812345678'`))).toEqual([]);
    const wrongType = typeCheck(dir, 'wrong-type.ts', call(`'hotline'`, '13812345678'));
    expect(wrongType.join('\n')).toMatch(/number.*not assignable to type 'string'/);
    const wrongEnum = typeCheck(dir, 'wrong-enum.ts', call(`'carrier-pigeon'`, `'13812345678'`));
    expect(wrongEnum.join('\n')).toMatch(/carrier-pigeon/);
  }, 120_000);

  it('passes the OpenAPI linter (Redocly, recommended rules) with no errors', async () => {
    const result = await run(
      process.execPath,
      [bin('redocly'), 'lint', docFile, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'],
      {
        cwd: ROOT,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        maxBuffer: 64 * 1024 * 1024,
      },
    ).catch((err: { stdout: string; stderr: string }) => err);
    const report = JSON.parse(result.stdout) as {
      totals: { errors: number };
      problems: { ruleId: string; severity: string; message: string }[];
    };
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 120_000);
});
