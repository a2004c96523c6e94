/**
 * What the simulator remembers between commands, in one JSON file (`--state`, default
 * ./onecard-sim.json): the phone's key, token, device and credential, and each terminal's key by name.
 * It holds private keys: a file for a developer's machine, never for production keys.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Machine } from '../client/actors';
import type { KeyPairJwk } from '../client/signing';

export interface SimState {
  phone?: {
    number: string;
    accessToken: string;
    deviceId?: string;
    keys?: KeyPairJwk;
    credential?: string;
    /** Unlinkable (version 2) credentials by operator scope, each with the key made for it and its day. */
    dayCredentials?: Record<string, { credential: string; keys: KeyPairJwk; fareDay: string }>;
  };
  terminals: Record<string, Machine>;
}

export function readState(path: string): SimState {
  if (!existsSync(path)) return { terminals: {} };
  return JSON.parse(readFileSync(path, 'utf8')) as SimState;
}

export function writeState(path: string, state: SimState) {
  writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
