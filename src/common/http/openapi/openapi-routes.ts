import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { Document, Operation } from './openapi-types';
import { operations } from './openapi-types';

/** One documented operation with the controller class and handler that serve it. */
export interface Route {
  path: string;
  method: string;
  op: Operation;
  controller: Type<unknown>;
  handler: (...args: unknown[]) => unknown;
}

/**
 * Pairs each operation with its controller method through the operationId
 * @nestjs/swagger gives it (`<ControllerClass>_<method>`), so the document's
 * extras are read from the same metadata the guard and the pipes use.
 */
export function routesOf(app: INestApplication, doc: Document): Route[] {
  const controllers = new Map<string, Type<unknown>>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      if (wrapper.metatype) controllers.set(wrapper.metatype.name, wrapper.metatype as Type<unknown>);
    }
  }
  const routes: Route[] = [];
  for (const { path, method, op } of operations(doc)) {
    const [controllerName, methodName] = (op.operationId ?? '').split('_');
    const controller = controllers.get(controllerName);
    const handler = (controller?.prototype as Record<string, unknown> | undefined)?.[methodName] as Route['handler'] | undefined;
    if (!controller || !handler) throw new Error(`OpenAPI: no controller method for ${method.toUpperCase()} ${path} (${op.operationId})`);
    routes.push({ path, method, op, controller, handler });
  }
  return routes;
}

/** Metadata set on the handler, else on its controller (what Reflector.getAllAndOverride reads). */
export function metadataOf<T>(key: string, route: Route): T | undefined {
  return (Reflect.getMetadata(key, route.handler) ?? Reflect.getMetadata(key, route.controller)) as T | undefined;
}
