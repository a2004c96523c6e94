import type { Context } from 'hono';
import { languageOf } from '../../shared/i18n/languages';
import type { AppEnv } from './env';

/** The caller's language, from its Accept-Language: English unless it asks for Chinese (machines rarely do). */
export const callerLanguage = (c: Context<AppEnv>) => languageOf(c.req.header('accept-language'));
