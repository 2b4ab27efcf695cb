// Losses made for real inside a network namespace, for the tests that check
// ethtrack counts them (rxpath against nstat, the packets-lost ledger in a
// real Prometheus).

import type { Netns } from './netns';

/**
 * A UDP socket with the smallest receive buffer and no reader, flooded
 * (UdpRcvbufErrors); a TCP listener with backlog 1 that never accepts, hit by
 * 40 connects (TcpExtListenOverflows, ListenDrops).
 */
export function makeSocketLosses(ns: Netns): Promise<string> {
  return ns.exec('/usr/bin/python3', [
    '-c',
    [
      'import socket, time',
      'r=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)',
      'r.setsockopt(socket.SOL_SOCKET,socket.SO_RCVBUF,1)',
      "r.bind(('127.0.0.1',0))",
      's=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)',
      "for i in range(3000): s.sendto(b'x'*200, r.getsockname())",
      'l=socket.socket()',
      "l.bind(('127.0.0.1',0))",
      'l.listen(1)',
      'cs=[]',
      'for i in range(40):',
      '  c=socket.socket(); c.setblocking(False); c.connect_ex(l.getsockname()); cs.append(c)',
      'time.sleep(0.5)',
      'for c in cs: c.close()',
      'l.close()',
    ].join('\n'),
  ]);
}
