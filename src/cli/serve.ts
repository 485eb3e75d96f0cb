import type { Command } from 'commander';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the web server (the same as npm start); settings come from the environment (PORT, HOST, DATA_DIR, DATABASE_URL, ...)')
    .action(async () => {
      // Loaded here, so other commands do not pay for the web stack.
      const { reportStartFailure, startServer } = await import('../server.js');
      try {
        await startServer();
      } catch (error) {
        // Exactly what `npm start` says; the server's own signal handlers close it when it runs.
        reportStartFailure(error);
        process.exit(1);
      }
    });
}
