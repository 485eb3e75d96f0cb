import { reportStartFailure, startServer } from './server.js';

// `npm start`; `linkwork serve` runs the same start function.
startServer().catch((error: unknown) => {
  reportStartFailure(error);
  process.exit(1);
});
