import type { Problem } from './problem';

/**
 * Another wire format for the errors of the routes under one path prefix.
 * The TM Forum facades answer errors as the TMF `Error` object instead of
 * problem+json (src/tmf/common/tmf-error.ts registers it); the problem itself
 * (status, code, detail) is decided once, by the same filter, for every route.
 */
export interface ProblemFormat {
  /** The URL path prefix whose errors it renders, e.g. `/tmf-api/`. */
  readonly pathPrefix: string;
  readonly contentType: string;
  render(problem: Problem): unknown;
}

const formats: ProblemFormat[] = [];

/**
 * Registers a format (once per prefix: a second registration of the same
 * prefix replaces the first). Called by the module that owns the routes,
 * from its constructor, so it is in place before the first request.
 */
export function addProblemFormat(format: ProblemFormat): void {
  const i = formats.findIndex((f) => f.pathPrefix === format.pathPrefix);
  if (i >= 0) formats[i] = format;
  else formats.push(format);
}

/** The format of the routes `url` falls under, if not problem+json. */
export function problemFormatFor(url: string | undefined): ProblemFormat | undefined {
  return url === undefined ? undefined : formats.find((f) => url.startsWith(f.pathPrefix));
}
