// Binding a listener, with a failure that names the flag and the address:
// a busy or forbidden port is a bad flag value (exit 2), not a failed start.

import type net from 'node:net';
import { type ListenAddress, UsageError } from '../flags';

export class ListenError extends UsageError {}

function bind(server: net.Server, host: string | undefined, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export async function listenOn(server: net.Server, address: ListenAddress, flag: string): Promise<void> {
  try {
    if (address.host !== '') return await bind(server, address.host, address.port);
    // All addresses: dual-stack where the kernel has IPv6, IPv4 otherwise.
    try {
      await bind(server, '::', address.port);
    } catch (err) {
      if (
        (err as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT' &&
        (err as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL'
      ) {
        throw err;
      }
      await bind(server, '0.0.0.0', address.port);
    }
  } catch (err) {
    const shown = address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'EADDRINUSE' ? 'address already in use' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new ListenError(`cannot listen on ${JSON.stringify(shown)} given by flag --${flag}: ${why}`);
  }
}
