import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { invalidFields } from '../common/errors/common-errors';
import { lookupTerm } from '../common/lookup-term';
import { CASE_NO_PREFIX, CaseKind } from './case-kind';

/**
 * One form for every kind (issue 11): a case's `GET /…/{id}` takes its UUID
 * or its case number (`GET /faults/FLT-20261130-000001`), read like the
 * search box reads it (full-width, lower case, dashes left out). A number of
 * another kind is a 404, as a number that does not exist; anything else is a
 * 400 naming the parameter. The service resolves the number through
 * case_index (CasesService.read), so scope checks are those of the id.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KNOWN_PREFIXES = new Set(Object.values(CASE_NO_PREFIX));

export const isUuid = (ref: string) => UUID.test(ref);

/** The case number `ref` spells, with its prefix, or null when it spells none. */
export function readCaseNo(ref: string): { prefix: string; caseNo: string } | null {
  const term = lookupTerm(ref);
  if (term.by !== 'reference') return null;
  const prefix = term.value.slice(0, term.value.indexOf('-'));
  return KNOWN_PREFIXES.has(prefix) ? { prefix, caseNo: term.value } : null;
}

@Injectable()
export class CaseRefPipe implements PipeTransform<string, string> {
  private readonly prefixes: Set<string>;

  constructor(
    kinds: readonly CaseKind[],
    private readonly notFound: (ref: string) => Error,
  ) {
    this.prefixes = new Set(kinds.map((k) => CASE_NO_PREFIX[k]));
  }

  transform(value: string, metadata: ArgumentMetadata): string {
    if (UUID.test(value)) return value;
    const number = readCaseNo(value);
    if (!number) {
      const example = [...this.prefixes].map((p) => `${p}-YYYYMMDD-NNNNNN`).join(' or ');
      throw invalidFields({ field: metadata.data ?? 'id', message: `must be a UUID or a case number (${example})` });
    }
    if (!this.prefixes.has(number.prefix)) throw this.notFound(number.caseNo);
    return number.caseNo;
  }
}

/** The OpenAPI text of such a parameter. */
export const ApiCaseRef = (kinds: readonly CaseKind[]) =>
  ApiParam({
    name: 'id',
    description: `The case's UUID or its case number (${kinds.map((k) => `${CASE_NO_PREFIX[k]}-YYYYMMDD-NNNNNN`).join(', ')}; full-width or lower case accepted). A number of another kind is a 404.`,
    schema: { type: 'string', example: `${CASE_NO_PREFIX[kinds[0]]}-20261130-000001` },
  });
