import { OneCardError } from '../errors';
import type { Store } from '../store/store';
import { assertLoginAllowed, recordLoginFailure } from './login-failures';
import { checkOtp } from './otp';

/**
 * Checks a phone's login code. Refused with 429 once the phone used up its wrong codes for the day
 * (the right code too, or guessing would only need to stop at the right one); every request that
 * does not log in, for whatever reason the code fails, counts as a wrong code.
 */
export async function checkLoginCode(store: Store, hashKey: string, hashedPhone: string, code: string, now: Date) {
  await assertLoginAllowed(store, hashedPhone, now);
  try {
    await checkOtp(store, hashKey, hashedPhone, code, now);
  } catch (err) {
    if (err instanceof OneCardError && err.code === 'OTP_INVALID') await recordLoginFailure(store, hashedPhone, now);
    throw err;
  }
}
