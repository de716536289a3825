import { startApp } from './app.js';
import { createLogger } from './logger.js';
import { startTracing } from './tracing.js';

const logger = createLogger();
const stopTracing = startTracing(process.env);

startApp({ logger })
  .then((app) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'shutting down');
      // Whatever still holds the process (a vendor call, a stuck handle) is cut shortly after the drain deadline.
      setTimeout(() => {
        logger.error({ signal }, 'shutdown deadline passed; exiting');
        process.exit(1);
      }, app.config.shutdownTimeoutMs + 1_500).unref();
      app
        .close()
        .then(() => stopTracing?.())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  })
  .catch((error: unknown) => {
    logger.fatal({ err: error }, 'pushgraph failed to start');
    process.exit(1);
  });
