import type { FastifyInstance, FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CommonError, CommonErrorCode } from '../errors/common-errors';

export interface BodyLimits {
  /** Nesting levels; the body object itself is level 1. */
  maxDepth: number;
  /** Members in all: every object key and every array item. */
  maxKeys: number;
  /** Keys of any one object. */
  maxObjectKeys: number;
}

export type BodyFinding =
  | { kind: 'too_deep'; path: string }
  | { kind: 'too_many_keys' }
  | { kind: 'object_too_wide'; path: string }
  | { kind: 'nul'; path: string };

interface Container {
  value: object;
  depth: number;
  parent?: Container;
  key?: string | number;
}

const NUL = '\u0000';

/** The field path as validation errors write it (`contacts[0].mobile`); a NUL in a key shows as `\u0000`. */
function pathOf(node: Container | undefined, last?: string | number): string {
  const keys: (string | number)[] = last === undefined ? [] : [last];
  for (let n = node; n && n.key !== undefined; n = n.parent) keys.push(n.key);
  let path = '';
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i];
    path += typeof k === 'number' ? `[${k}]` : path ? `.${k}` : k;
  }
  return path.replaceAll(NUL, '\\u0000');
}

/**
 * One pass over a parsed body (or query), before anything else reads it:
 * class-transformer and class-validator recurse (2,000-5,000 levels overflow
 * the stack) and class-transformer dedupes an object's keys in O(keys²), so
 * their cost must be bounded before they start. Iterative (an explicit
 * stack, never recursion), stops at the first finding, and builds a path
 * only for what it reports. NUL is refused in every string and key here
 * because PostgreSQL can store it in neither text nor jsonb.
 */
export function inspectBody(body: unknown, limits: BodyLimits): BodyFinding | undefined {
  if (typeof body === 'string') return body.includes(NUL) ? { kind: 'nul', path: '' } : undefined;
  if (body === null || typeof body !== 'object') return undefined;
  const stack: Container[] = [{ value: body, depth: 1 }];
  let members = 0;
  // Returns a finding for a child value, or pushes it when it is a container.
  const visit = (child: unknown, parent: Container, key: string | number): BodyFinding | undefined => {
    if (typeof child === 'string') return child.includes(NUL) ? { kind: 'nul', path: pathOf(parent, key) } : undefined;
    if (child === null || typeof child !== 'object') return undefined;
    if (parent.depth >= limits.maxDepth) return { kind: 'too_deep', path: pathOf(parent, key) };
    stack.push({ value: child, depth: parent.depth + 1, parent, key });
    return undefined;
  };
  while (stack.length) {
    const node = stack.pop()!;
    if (Array.isArray(node.value)) {
      const items: unknown[] = node.value;
      members += items.length;
      if (members > limits.maxKeys) return { kind: 'too_many_keys' };
      for (let i = 0; i < items.length; i++) {
        const found = visit(items[i], node, i);
        if (found) return found;
      }
      continue;
    }
    const object = node.value as Record<string, unknown>;
    let keys = 0;
    // A JSON body was scanned before it was parsed (scanJson), so only a form body or a query can bring a wide
    // object here; V8 lists all its keys before the first iteration, which costs linear time, never quadratic.
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      if (++keys > limits.maxObjectKeys) return { kind: 'object_too_wide', path: pathOf(node) };
      if (++members > limits.maxKeys) return { kind: 'too_many_keys' };
      if (key.includes(NUL)) return { kind: 'nul', path: pathOf(node, key) };
      const found = visit(object[key], node, key);
      if (found) return found;
    }
  }
  return undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const isBlank = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The same limits, read off the raw JSON before it is parsed: one pass over
 * the bytes (JSON's structural characters are ASCII, and no byte of a UTF-8
 * sequence is), counting levels, keys per object and members in all, and
 * stopping at the first one too many. So 75,000 keys cost the scan of their
 * first thousand, not a parse and a key enumeration of all of them. It only
 * bounds the cost: syntax is the parser's to check, so malformed input may
 * be counted loosely here and is then refused by the parser.
 */
export function scanJson(body: Buffer, limits: BodyLimits): BodyFinding | undefined {
  // per open container, by level: object or array, members so far, and the current key's bytes (for paths)
  const isObject: boolean[] = [];
  const count: number[] = [];
  const keyFrom: number[] = [];
  const keyTo: number[] = [];
  let depth = 0;
  let members = 0;
  let inString = false;
  let inKey = false;
  let expectKey = false;
  let empty = false;
  const pathTo = (levels: number) => {
    let path = '';
    for (let l = 0; l < levels; l++) {
      if (!isObject[l]) path += `[${count[l] - 1}]`;
      else {
        const raw = body.toString('utf8', keyFrom[l], keyTo[l]);
        let key = raw;
        try {
          key = JSON.parse(`"${raw}"`) as string;
        } catch {
          // a malformed key is the parser's to refuse; the path shows it raw
        }
        path += path ? `.${key}` : key;
      }
    }
    return path.replaceAll(NUL, '\\u0000');
  };
  const counted = (): BodyFinding | undefined => {
    if (++members > limits.maxKeys) return { kind: 'too_many_keys' };
    const top = depth - 1;
    count[top]++;
    return isObject[top] && count[top] > limits.maxObjectKeys ? { kind: 'object_too_wide', path: pathTo(top) } : undefined;
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) {
        inString = false;
        if (inKey) keyTo[depth - 1] = i;
        inKey = false;
      }
      continue;
    }
    if (isBlank(c)) continue;
    if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth > 0) depth--;
      empty = false;
      expectKey = false;
      continue;
    }
    if (c === COMMA) {
      if (depth === 0) continue;
      const found = counted();
      if (found) return found;
      expectKey = isObject[depth - 1];
      continue;
    }
    // the first member of a container is counted where it starts, every further one at its comma
    if (depth > 0 && empty) {
      empty = false;
      const found = counted();
      if (found) return found;
    }
    if (c === QUOTE) {
      inString = true;
      if (expectKey) {
        inKey = true;
        keyFrom[depth - 1] = i + 1;
        expectKey = false;
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth >= limits.maxDepth) return { kind: 'too_deep', path: pathTo(depth) };
      isObject[depth] = c === OPEN_OBJECT;
      count[depth] = 0;
      depth++;
      empty = true;
      expectKey = c === OPEN_OBJECT;
    }
  }
  return undefined;
}

/** The problem a finding answers with: 413 for too much, 400 for too deep or a NUL. */
export function bodyFindingError(finding: BodyFinding, limits: BodyLimits, where: 'body' | 'query') {
  const at = (path: string) => (path ? ` (at ${path})` : '');
  switch (finding.kind) {
    case 'too_deep':
      return new CommonError(
        CommonErrorCode.MALFORMED_REQUEST,
        `The ${where} is nested too deep: more than ${limits.maxDepth} levels${at(finding.path)}`,
        { extensions: { limit: limits.maxDepth } },
      );
    case 'too_many_keys':
      return new CommonError(CommonErrorCode.PAYLOAD_TOO_LARGE, `The ${where} has more than ${limits.maxKeys} keys and items in all`, {
        extensions: { limit: limits.maxKeys },
      });
    case 'object_too_wide':
      return new CommonError(
        CommonErrorCode.PAYLOAD_TOO_LARGE,
        `An object in the ${where} has more than ${limits.maxObjectKeys} keys${at(finding.path)}`,
        { extensions: { limit: limits.maxObjectKeys } },
      );
    case 'nul':
      return new CommonError(CommonErrorCode.VALIDATION_FAILED, 'The request has invalid fields', {
        errors: [{ field: finding.path || where, message: 'must not contain the NUL character (\\u0000)' }],
      });
    default: {
      const unreachable: never = finding; // the compiler checks every finding is answered
      throw new Error(`unanswered body finding ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * The JSON body parser: the raw body is scanned against the limits, then
 * parsed by Fastify's own parser (which refuses __proto__ and constructor
 * keys). Its error goes to Nest's exception layer like any other.
 */
export function useBoundedJsonParser(app: NestFastifyApplication, limits: BodyLimits, bodyLimitBytes: number): void {
  const parse = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  // bodyLimit must be given: a parser without one would take bodies of any size (a route's own limit still wins)
  // JSON merge patch (RFC 7396) is JSON too: the TM Forum facades take PATCH bodies in either type.
  for (const type of ['application/json', 'application/merge-patch+json']) {
    app.useBodyParser<RawServerDefault>(type, { bodyLimit: bodyLimitBytes }, (request, body, done) => {
      // A DELETE that sends `Content-Type: application/json` and no body (TM Forum clients do, on DELETE /hub/{id}) has nothing to parse.
      if (request.method === 'DELETE' && body.length === 0) return done(null, undefined);
      const finding = scanJson(body, limits);
      if (finding) return done(bodyFindingError(finding, limits, 'body'), undefined);
      // typed for a string, it takes the Buffer as Nest's own JSON parser gives it (secure-json-parse decodes it)
      void parse(request, body as unknown as string, done);
    });
  }
}

function isEmpty(query: unknown): boolean {
  if (query === null || typeof query !== 'object') return query === undefined;
  for (const key in query) if (Object.hasOwn(query, key)) return false;
  return true;
}

/**
 * Checks every request's parsed body and query string before the route
 * runs (preValidation comes after parsing and before Nest's guards, pipes
 * and the login rate limit), so neither the framework nor a DTO ever sees
 * a body beyond the limits, and no text with a NUL reaches PostgreSQL.
 */
export function installBodyLimits(fastify: FastifyInstance, limits: BodyLimits): void {
  fastify.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    // Most requests (every GET without a query string) have nothing to inspect: leave without walking anything.
    if (request.body === undefined && isEmpty(request.query)) return done();
    const inBody = request.body === undefined ? undefined : inspectBody(request.body, limits);
    const finding = inBody ?? inspectBody(request.query, limits);
    // Fastify hands the error to the error handler Nest installs, so the problem filter answers it as any other
    done(finding ? bodyFindingError(finding, limits, inBody ? 'body' : 'query') : undefined);
  });
}
