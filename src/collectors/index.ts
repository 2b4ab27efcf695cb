// Every collector ethtrack has. Adding one is a new file and one line here.

import type { CollectorDefinition } from './collector';
import { conntrack } from './conntrack';
import { ethtool } from './ethtool';
import { flows } from './flows';
import { rxpath } from './rxpath';

export const COLLECTORS: readonly CollectorDefinition[] = [ethtool, conntrack, flows, rxpath];
