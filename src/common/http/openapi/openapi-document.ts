import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '../../../config/app-config';
import { documentIntegers, documentLimits } from './openapi-limits';
import { documentProblemCodes } from './openapi-problems';
import { documentRoles } from './openapi-roles';
import { routesOf } from './openapi-routes';
import type { Document } from './openapi-types';

/**
 * The OpenAPI document served at /api/docs-json: what @nestjs/swagger builds
 * from the decorators, completed from the metadata the server itself enforces
 * (roles, validation rules, error codes) so that a generated client is exact
 * (docs/ARCHITECTURE.md, "OpenAPI document").
 */
export function buildOpenApiDocument(app: INestApplication, config: AppConfig) {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Focus One')
      .setDescription(
        'One-stop service desk for government and enterprise key-account customers: one customer record shared by ' +
          'inquiry, order, fault, billing and support. Sign in with POST /api/v1/auth/token, then send ' +
          '`Authorization: Bearer <token>`. Errors are RFC 9457 application/problem+json; each route lists the `code` ' +
          'values it may give per status. Datetime inputs carry an offset (`Z` or `+08:00`); responses are ISO 8601 UTC.',
      )
      .setVersion('1')
      .addServer(config.http.publicBaseUrl, 'This installation (PUBLIC_BASE_URL)')
      .addBearerAuth()
      .build(),
  );
  const doc = document as unknown as Document;
  const routes = routesOf(app, doc);
  documentRoles(routes);
  documentLimits(doc, routes);
  documentIntegers(doc);
  documentProblemCodes(routes);
  return document;
}
