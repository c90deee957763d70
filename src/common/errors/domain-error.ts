/** How an error is reported over HTTP; the filter maps each kind to one status. */
export type ProblemKind =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'too_many_requests';

export interface FieldError {
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  errors?: FieldError[];
  /** Extra members of the problem document, e.g. the allowed transitions. */
  extensions?: Record<string, unknown>;
}

/**
 * Base of every module's error: a stable code (clients branch on it) and a
 * kind (the HTTP status). Modules subclass it with their own code enum.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ProblemKind;
  readonly errors?: FieldError[];
  readonly extensions?: Record<string, unknown>;

  protected constructor(detail: string, options: DomainErrorOptions = {}) {
    super(detail);
    this.name = new.target.name;
    this.errors = options.errors;
    this.extensions = options.extensions;
  }

  /**
   * The same error (class, code, detail, extensions) with each field named
   * under `prefix`: a body checked as part of another one reports
   * `order.items[0].siteId`, not `items[0].siteId`. A new error; this one is
   * left as it is.
   */
  nestedUnder(prefix: string): DomainError {
    const nested = this.withOptions({
      errors: this.errors?.map((e) => ({ ...e, field: `${prefix}.${e.field}` })),
      extensions: this.extensions,
    });
    nested.stack = this.stack;
    return nested;
  }

  /**
   * The same error with each field renamed by `rename` (a facade that maps
   * its own body onto a service's DTO names the fields its client sent:
   * `creditCode` → `characteristic.creditCode`). A new error; this one is left as it is.
   */
  withFieldsRenamed(rename: (field: string) => string): DomainError {
    if (!this.errors) return this;
    const renamed = this.withOptions({ errors: this.errors.map((e) => ({ ...e, field: rename(e.field) })), extensions: this.extensions });
    renamed.stack = this.stack;
    return renamed;
  }

  /** A copy of this error with other options (each module's class knows its own constructor). */
  protected abstract withOptions(options: DomainErrorOptions): DomainError;
}

/**
 * Every module error class by name, with its code → kind table: the OpenAPI
 * document lists a route's codes from it (`@ApiErrors('FaultError')`), without
 * the controller importing another module's error file.
 */
export const ERROR_CATALOGUES = new Map<string, Readonly<Record<string, ProblemKind>>>();

/** Builds a module's error class from its code → kind table (the table must name every code). */
export function errorClass<C extends string>(name: string, kinds: Record<C, ProblemKind>) {
  const cls = class extends DomainError {
    readonly kind: ProblemKind;
    constructor(
      readonly code: C,
      detail: string,
      options?: DomainErrorOptions,
    ) {
      super(detail, options);
      this.kind = kinds[code];
    }

    protected withOptions(options: DomainErrorOptions): DomainError {
      return new cls(this.code, this.message, options);
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  ERROR_CATALOGUES.set(name, kinds);
  return cls;
}
