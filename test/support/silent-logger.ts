import { createLogger } from '../../shared/log/logger';

export const silentLogger = createLogger('test', 'silent');
