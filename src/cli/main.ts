// Sextant's command-line entry point.
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';
import { sextantHome } from '../core/home.ts';

// V8's compiled code for Sextant's modules is kept on disk (Node's compile cache) in $SEXTANT_HOME, or where
// NODE_COMPILE_CACHE says, so a run after the first skips most parsing and compiling. NODE_DISABLE_COMPILE_CACHE=1
// turns it off. It must be on before the program's modules load, hence the dynamic import below.
enableCompileCache(process.env.NODE_COMPILE_CACHE || join(sextantHome(), 'compile-cache'));
const { main } = await import('./program.ts');

// A closed stdout (`sextant inspect … | head`) is not an error worth a message.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
});

process.exitCode = await main(process.argv);
