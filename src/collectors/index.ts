// Every collector ethtrack has. Adding one is a new file and one line here.

import type { CollectorDefinition } from '../collector';
import { ethtool } from './ethtool';

export const COLLECTORS: readonly CollectorDefinition[] = [ethtool];
