import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { TMF_API_ROOT } from '../../common/http/api-path';
import type { SeparateDocument } from '../../common/http/openapi/separate-documents';
import type { AppConfig } from '../../config/app-config';

const PREFIX = `/${TMF_API_ROOT}/`;

/** Every `$ref` reachable from `value`, following the schemas they name. */
function reachableSchemas(value: unknown, schemas: Record<string, unknown>, seen = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => reachableSchemas(v, schemas, seen));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length);
        if (!seen.has(name)) {
          seen.add(name);
          reachableSchemas(schemas[name], schemas, seen);
        }
      } else reachableSchemas(v, schemas, seen);
    }
  }
  return seen;
}

/**
 * The OpenAPI document of the TM Forum facades, served at /tmf-api/docs-json
 * (UI at /tmf-api/docs): every route under /tmf-api, the schemas they use,
 * nothing of /api/v1 (which leaves these routes out of its own document).
 */
export function buildTmfDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Focus One — TM Forum Open APIs')
      .setDescription(
        'TMF621 Trouble Ticket, TMF622 Product Ordering and TMF629 Customer Management (v4) over the same data and rules ' +
          'as /api/v1, with /hub event subscriptions. Sign in with POST /api/v1/auth/token and send ' +
          '`Authorization: Bearer <token>`. Conventions (TMF630): lists are bare arrays with X-Total-Count and ' +
          'X-Result-Count, `offset`/`limit` paging, newest first, attribute filters by exact match (`a,b` for either) and ' +
          '`.gt/.gte/.lt/.lte` on dates, `fields=` projection; PATCH is a JSON merge patch (application/merge-patch+json or ' +
          'application/json); POST honours an optional Idempotency-Key; errors are the TMF Error object {code, reason, ' +
          'message, status}. Dates are UTC with Z.',
      )
      .setVersion('4')
      .addServer(config.http.publicBaseUrl, 'This installation (PUBLIC_BASE_URL)')
      .addBearerAuth()
      .build(),
  );
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith(PREFIX)));
  const schemas = (document.components?.schemas ?? {}) as Record<string, unknown>;
  const used = reachableSchemas(document.paths, schemas);
  if (document.components) {
    document.components.schemas = Object.fromEntries(
      Object.entries(schemas).filter(([name]) => used.has(name)),
    ) as typeof document.components.schemas;
  }
  return document;
}

export const TMF_DOCUMENT: SeparateDocument = { path: `${TMF_API_ROOT}/docs`, pathPrefix: PREFIX, build: buildTmfDocument };
