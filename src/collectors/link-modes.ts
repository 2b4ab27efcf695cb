// Link modes and link-down reasons as the kernel numbers them, to names and
// speeds: the speed of each bit of enum ethtool_link_mode_bit_indices and the
// names of enum ethtool_link_ext_state and its sub-state enums (uapi
// <linux/ethtool.h>). Bits 93-124 are newer than this machine's headers
// (Debian's 6.1 uapi stops at 92) and come from the kernel's own header.
// The helper sends numbers only; naming them here keeps it testable
// without root, and a number newer than this table is exported as itself.

/** Megabits per second of every link mode bit that names a speed. */
const SPEED_BITS: [number, number[]][] = [
  [10, [0, 1, 92, 99, 100, 101, 102]],
  [100, [2, 3, 67, 90, 91]],
  [1000, [4, 5, 17, 41, 68]],
  [2500, [15, 47]],
  [5000, [48]],
  [10000, [12, 18, 19, 42, 43, 44, 45, 46]],
  [20000, [21, 22]],
  [25000, [31, 32, 33]],
  [40000, [23, 24, 25, 26]],
  [50000, [34, 35, 40, 52, 53, 54, 55, 56]],
  [56000, [27, 28, 29, 30]],
  [100000, [36, 37, 38, 39, 57, 58, 59, 60, 61, 75, 76, 77, 78, 79]],
  [200000, [62, 63, 64, 65, 66, 80, 81, 82, 83, 84, 103, 104, 105, 106, 107, 108]],
  [400000, [69, 70, 71, 72, 73, 85, 86, 87, 88, 89, 109, 110, 111, 112, 113, 114]],
  [800000, [93, 94, 95, 96, 97, 98, 115, 116, 117, 118, 119, 120]],
  [1600000, [121, 122, 123, 124]],
];

const MBPS = new Map<number, number>(SPEED_BITS.flatMap(([mbps, bits]) => bits.map((b) => [b, mbps] as const)));

/** The speed a link mode bit stands for, in megabits per second; undefined for non-speed bits (pause, autoneg, port types, FEC) and unknown ones. */
export function linkModeMbps(bit: number): number | undefined {
  return MBPS.get(bit);
}

/**
 * The best speed both ends advertise, in megabits per second: the fastest
 * mode in our advertised set and the partner's. Undefined when either set
 * is empty (no partner seen, or a device that reports no modes) or they
 * share no speed mode.
 */
export function bestCommonMbps(ours: readonly number[], peer: readonly number[]): number | undefined {
  const theirs = new Set(peer);
  let best: number | undefined;
  for (const bit of ours) {
    const mbps = MBPS.get(bit);
    if (mbps !== undefined && theirs.has(bit) && (best === undefined || mbps > best)) best = mbps;
  }
  return best;
}

// enum ethtool_link_ext_state, by value.
const EXT_STATES = [
  'autoneg',
  'link_training_failure',
  'link_logical_mismatch',
  'bad_signal_integrity',
  'no_cable',
  'cable_issue',
  'eeprom_issue',
  'calibration_failure',
  'power_budget_exceeded',
  'overheat',
  'module',
];

// The sub-state enums, by the state they refine; each starts at 1.
const EXT_SUBSTATES: Record<number, string[]> = {
  0: [
    'no_partner_detected',
    'ack_not_received',
    'next_page_exchange_failed',
    'no_partner_detected_force_mode',
    'fec_mismatch_during_override',
    'no_hcd',
  ],
  1: [
    'kr_frame_lock_not_acquired',
    'kr_link_inhibit_timeout',
    'kr_link_partner_did_not_set_receiver_ready',
    'remote_fault',
  ],
  2: [
    'pcs_did_not_acquire_block_lock',
    'pcs_did_not_acquire_am_lock',
    'pcs_did_not_get_align_status',
    'fc_fec_is_not_locked',
    'rs_fec_is_not_locked',
  ],
  3: ['large_number_of_physical_errors', 'unsupported_rate', 'serdes_reference_clock_lost', 'serdes_alos'],
  5: ['unsupported_cable', 'cable_test_failure'],
  10: ['cmis_not_ready'],
};

/** The lower snake case name of an extended link state; a number this table does not know is its decimal string. */
export function linkExtState(state: number): string {
  return EXT_STATES[state] ?? String(state);
}

/** The sub-state's name under its state; "" when the kernel sent none (0 or absent), the number when unknown. */
export function linkExtSubstate(state: number, substate: number | undefined): string {
  if (!substate) return '';
  return EXT_SUBSTATES[state]?.[substate - 1] ?? String(substate);
}
