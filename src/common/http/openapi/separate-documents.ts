import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from '../../../config/app-config';

/**
 * An OpenAPI document of its own for the routes under one path prefix (the
 * TM Forum facades publish theirs at /tmf-api/docs-json): those routes are
 * left out of /api/docs-json, and configureApp serves this one at `path`
 * (UI) and `path`-json (JSON).
 */
export interface SeparateDocument {
  /** e.g. `tmf-api/docs` (no leading slash). */
  readonly path: string;
  /** The URL path prefix of its routes, e.g. `/tmf-api/`. */
  readonly pathPrefix: string;
  build(app: INestApplication, config: AppConfig): OpenAPIObject;
}

const documents: SeparateDocument[] = [];

/** Registers a document (once per path), from the constructor of the module that owns its routes. */
export function addSeparateDocument(document: SeparateDocument): void {
  const i = documents.findIndex((d) => d.path === document.path);
  if (i >= 0) documents[i] = document;
  else documents.push(document);
}

export const separateDocuments = (): readonly SeparateDocument[] => documents;
