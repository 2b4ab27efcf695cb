// The service's version, from package.json.

import fs from 'node:fs';
import { PATHS } from './paths';

export const VERSION: string = (JSON.parse(fs.readFileSync(PATHS.packageJson, 'utf8')) as { version: string }).version;
