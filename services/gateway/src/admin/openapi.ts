import { AclState } from '@tandem/contracts';
import { z } from 'zod';
import { AcceptedResponse, CreateLinkBody, CreatedLinkResponse, ErrorResponse, GrantBody, WorkspaceAccessBody } from './acl-admin.schemas';

const schema = (s: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io: 'input' }) as Record<string, unknown>;
  return rest;
};
const json = (s: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema: schema(s) } } });
const errors = {
  400: json(ErrorResponse, 'The request does not match its schema; `message` says which field and why.'),
  401: json(ErrorResponse, 'No valid bearer token.'),
  403: json(ErrorResponse, 'The caller lacks the role this needs.'),
  503: json(ErrorResponse, 'The owning service or the event bus is unavailable; try again.'),
};
const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]+$' } });
const resourceParams = [
  { name: 'kind', in: 'path', required: true, description: 'Resource kind.', schema: { type: 'string', enum: ['doc'] } },
  pathParam('id', 'Resource id.'),
];

/** The OpenAPI 3.1 document of the admin API, built from the same zod schemas that validate requests. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const base = '/api/v1/resources/{kind}/{id}';
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tandem admin API',
      version: '1.0.0',
      description:
        'Grants, workspace access and share links of documents. Every call needs `Authorization: Bearer <jwt>` of the same tenant. Reading needs any role on the resource; changing needs owner (or workspace admin). Changes are accepted once durable (202) and reach every gateway within a second.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths: {
      [`${base}/acl`]: {
        get: { operationId: 'getAcl', summary: "The resource's ACL", parameters: resourceParams, responses: { 200: json(AclState, 'The ACL.'), ...errors } },
      },
      [`${base}/grants/{userId}`]: {
        put: {
          operationId: 'grantRole',
          summary: 'Give a user a role on the resource (replacing any earlier one)',
          parameters: [...resourceParams, pathParam('userId', 'The user.')],
          requestBody: { required: true, content: { 'application/json': { schema: schema(GrantBody) } } },
          responses: { 202: json(AcceptedResponse, 'Accepted.'), ...errors },
        },
        delete: {
          operationId: 'revokeRole',
          summary: "Remove a user's grant; their connected sockets are removed from the room within a second",
          parameters: [...resourceParams, pathParam('userId', 'The user.')],
          responses: { 202: json(AcceptedResponse, 'Accepted.'), ...errors },
        },
      },
      [`${base}/workspace-access`]: {
        put: {
          operationId: 'setWorkspaceAccess',
          summary: 'What workspace members (not guests) get without a grant',
          parameters: resourceParams,
          requestBody: { required: true, content: { 'application/json': { schema: schema(WorkspaceAccessBody) } } },
          responses: { 202: json(AcceptedResponse, 'Accepted.'), ...errors },
        },
      },
      [`${base}/links`]: {
        post: {
          operationId: 'createShareLink',
          summary: 'Create a share link: a signed, expiring token granting a role; pass it as `link` when joining',
          parameters: resourceParams,
          requestBody: { required: true, content: { 'application/json': { schema: schema(CreateLinkBody) } } },
          responses: { 201: json(CreatedLinkResponse, 'The link and its token.'), ...errors },
        },
      },
      [`${base}/links/{linkId}`]: {
        delete: {
          operationId: 'revokeShareLink',
          summary: 'Revoke a share link: everyone who joined with it loses that access within a second',
          parameters: [...resourceParams, pathParam('linkId', 'The link.')],
          responses: { 202: json(AcceptedResponse, 'Accepted.'), ...errors },
        },
      },
      '/api/v1/openapi.json': { get: { operationId: 'openapi', summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1' } } } },
    },
  };
}
