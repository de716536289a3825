import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Redaction is a second line of defence: secrets are never put into
 * log objects on purpose, but a header map or config logged by mistake must not leak them.
 */
/** `destination`: where lines go (default stdout); tests read them to check no secret is written. */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
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
    },
    options.destination,
  );
}
