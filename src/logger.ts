import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Redaction is a second line of defence: secrets are never put into
 * log objects on purpose, but a header map or config logged by mistake must not leak them.
 */
export function createLogger(options: { level?: string } = {}): Logger {
  return pino({
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: 'pushgraph' },
    redact: {
      paths: [
        'authorization',
        '*.authorization',
        'headers.authorization',
        '*.headers.authorization',
        'masterSecret',
        '*.masterSecret',
        'groupSecret',
        '*.groupSecret',
        'secretKey',
        '*.secretKey',
        'accessKeySecret',
        '*.accessKeySecret',
        'userSig',
        '*.userSig',
        'usersig',
        '*.usersig',
      ],
      censor: '[redacted]',
    },
  });
}
