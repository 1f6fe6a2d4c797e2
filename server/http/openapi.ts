import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';

export const registry = new OpenAPIRegistry();
registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'session token from POST /api/v1/auth/login' });
registry.registerComponent('securitySchemes', 'cookie', { type: 'apiKey', in: 'cookie', name: 'fb_session' });

export function openapiDocument(serverUrl = '/api/v1') {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: '首批次应用保险补偿 — API',
      version: '1.0.0',
      description: 'Workflow API of the first-batch application insurance compensation programme for key new materials.',
    },
    servers: [{ url: serverUrl }],
  });
}
