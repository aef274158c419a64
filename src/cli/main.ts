// Sextant's command-line entry point.
import { main } from './program.ts';

// A closed stdout (`sextant inspect … | head`) is not an error worth a message.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
});

process.exitCode = await main(process.argv);
