import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { AclAdminController } from './acl-admin.controller';
import { buildOpenApiDocument } from './openapi';

describe('admin API OpenAPI document', () => {
  const doc = buildOpenApiDocument() as { openapi: string; paths: Record<string, Record<string, unknown>> };

  it('documents every route of the controller, and nothing else', () => {
    const prefix = Reflect.getMetadata(PATH_METADATA, AclAdminController) as string;
    const routes = Object.getOwnPropertyNames(AclAdminController.prototype)
      .filter((name) => name !== 'constructor')
      .map((name) => {
        const handler = (AclAdminController.prototype as unknown as Record<string, object>)[name];
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number].toLowerCase();
        return `${method} /${prefix}/${path}`.replace(/:(\w+)/g, '{$1}');
      });
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(routes.sort());
  });

  it('is OpenAPI 3.1 with a schema for every request body', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops) as Array<{ requestBody?: { content: Record<string, { schema: object }> } }>) {
        if (op.requestBody) expect(op.requestBody.content['application/json'].schema).toHaveProperty('type', 'object');
      }
    }
  });
});
