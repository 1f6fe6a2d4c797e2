import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import swaggerUi from 'swagger-ui-express';
import type { AppContext } from '../context';
import './express-augment';
import { errorHandler, sendProblem } from './problem';
import { jsonBody } from './json-body';
import { noStoreForCredentials, sessionMiddleware } from './session';
import { apiRouter } from './routes';
import { openapiDocument } from './openapi';
import { healthRouter } from './routes/health';
import { httpMetrics, metricsEndpoint } from './metrics';
import { pagesRouter } from '../pages';
import { assetsRouter } from '../pages/assets';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

/**
 * A body that cannot be read is kept on the request instead of answered at once: an anonymous
 * caller learns 401, a wrong role 403, an invisible case 404 — and only then what is wrong with the
 * body (server/http/route.ts).
 */
function deferredBodyErrors(parse: RequestHandler): RequestHandler {
  return (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if (err === undefined || err === null) return next();
      req.bodyError = err;
      req.body = undefined;
      next();
    });
}

/** Builds the Express app without listening, so tests can drive it directly. */
export function buildApp(app: AppContext): Express {
  const server = express();
  server.disable('x-powered-by');
  server.set('trust proxy', 'loopback');
  server.use(
    pinoHttp({
      logger: app.log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  server.use(httpMetrics(app));
  server.use(helmet());
  // before no-store: the files are the same for everyone and their URLs change with their content
  server.use(assetsRouter());
  server.use(noStoreForCredentials());
  server.use(deferredBodyErrors(jsonBody()));
  server.use(healthRouter(app));
  server.get('/metrics', metricsEndpoint(app));

  const api = apiRouter(app);
  server.get('/openapi.json', (_req, res) => {
    res.json(openapiDocument());
  });
  // Swagger UI needs its own inline styles; the relaxed policy applies to /docs only.
  server.use('/docs', helmet({ contentSecurityPolicy: false }), swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: '/openapi.json' } }));
  server.use('/api/v1', sessionMiddleware(app), api);
  server.use(pagesRouter(app));
  server.use((req, res) => sendProblem(req, res, 404, `no route for ${req.method} ${req.path}`));
  server.use(errorHandler(app.log));
  return server;
}
