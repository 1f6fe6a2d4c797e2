import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Touched every 10 s by `npm run worker`; docker-compose.yml's health check reads its age. */
export const HEARTBEAT_FILE = join(tmpdir(), 'firstbatch-worker.alive');
