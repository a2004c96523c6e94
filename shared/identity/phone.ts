import { createHmac } from 'node:crypto';

/**
 * A phone number as the store knows it: its keyed hash under the login key, in every key that finds
 * a citizen, a login code, its failures or its rate counter. A table read, a backup or a support query
 * shows no number, and without the key the hashes cannot be matched to numbers by trying them all.
 */
export const phoneHash = (loginKey: string, phone: string) =>
  createHmac('sha256', loginKey).update(`phone\u0000${phone}`).digest('base64url');

/** What a person may see of a number (a support agent confirming it with the caller): 139****0001. */
export const maskPhone = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
