/** The parts of an OpenAPI 3.0 document the post-processors read and write (the document is plain JSON). */
export interface Schema {
  type?: string;
  format?: string;
  $ref?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
  [key: string]: unknown;
}

export interface Parameter {
  name: string;
  in: string;
  schema?: Schema;
  [key: string]: unknown;
}

export interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
  [key: string]: unknown;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface Document {
  paths: Record<string, Partial<Record<(typeof HTTP_METHODS)[number], Operation>>>;
  components?: { schemas?: Record<string, Schema> };
  servers?: { url: string; description?: string }[];
}

/** Every operation of the document with its method and path. */
export function* operations(doc: Document): Generator<{ path: string; method: string; op: Operation }> {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (op) yield { path, method, op };
    }
  }
}

/** Calls `visit` on a schema and every schema nested in it (properties, items, allOf/oneOf/anyOf). */
export function walkSchema(schema: Schema | undefined, visit: (s: Schema, name?: string) => void, name?: string): void {
  if (!schema || typeof schema !== 'object') return;
  visit(schema, name);
  for (const [prop, child] of Object.entries(schema.properties ?? {})) walkSchema(child, visit, prop);
  walkSchema(schema.items, visit, name);
  for (const child of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) walkSchema(child, visit, name);
  if (typeof schema.additionalProperties === 'object') walkSchema(schema.additionalProperties, visit);
}
